// The binding file: exports the Session class and the libfuse version. Everything else is in
// session.cc (lifecycle, loop, replies) and ops.cc (one handler per operation).
#include "session.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Session", konnekt::Session::Define(env));
  exports.Set("libfuseVersion", Napi::Number::New(env, fuse_version()));
  return exports;
}

}  // namespace

NODE_API_MODULE(konnekt_fuse, Init)
