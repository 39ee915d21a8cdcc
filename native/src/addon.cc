// The binding file: exports the Session class, the libfuse version, peerCredentials and trimMemory.
// Everything else is in session.cc (lifecycle, loop, replies) and ops.cc (one handler per operation).
#include "session.h"

#include <sys/socket.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cerrno>
#include <cstring>
#include <string>

namespace {

// peerCredentials(fd) → { pid, uid, gid } of the process at the other end of a connected Unix
// socket, as the kernel recorded them at connect time (SO_PEERCRED): the daemon uses it to refuse
// clients of another user without trusting anything the client sends.
Napi::Value PeerCredentials(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) throw Napi::TypeError::New(env, "peerCredentials(fd: number)");
  double raw = info[0].As<Napi::Number>().DoubleValue();
  if (raw < 0 || raw > 2147483647 || raw != static_cast<double>(static_cast<int>(raw))) {
    throw Napi::TypeError::New(env, "peerCredentials: fd must be a non-negative integer");
  }
  int fd = static_cast<int>(raw);
  ucred cred{};
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    int err = errno;
    Napi::Error e = Napi::Error::New(env, std::string("peerCredentials: ") + strerror(err));
    e.Set("errno", Napi::Number::New(env, err));
    throw e;
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("pid", Napi::Number::New(env, cred.pid));
  o.Set("uid", Napi::Number::New(env, cred.uid));
  o.Set("gid", Napi::Number::New(env, cred.gid));
  return o;
}

// trimMemory() → whether memory went back to the system. glibc keeps memory that was freed
// (start-up allocations of V8's helper threads, finished transfers) in its arenas; an idle worker
// otherwise holds 10–40 MiB it no longer uses, which the idle-memory budget of the daemon and its
// workers cannot afford. malloc_trim(0) walks every arena; it is cheap enough for a timer.
Napi::Value TrimMemory(const Napi::CallbackInfo& info) {
#if defined(__GLIBC__)
  return Napi::Boolean::New(info.Env(), malloc_trim(0) != 0);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Session", konnekt::Session::Define(env));
  exports.Set("libfuseVersion", Napi::Number::New(env, fuse_version()));
  exports.Set("peerCredentials", Napi::Function::New(env, PeerCredentials, "peerCredentials"));
  exports.Set("trimMemory", Napi::Function::New(env, TrimMemory, "trimMemory"));
  return exports;
}

}  // namespace

NODE_API_MODULE(konnekt_fuse, Init)
