// One FUSE3 low-level session: the kernel connection, the threads that read it, and the table of
// requests JavaScript still has to answer.
//
// Threads and what they own
//   loop threads (N)   read /dev/fuse, run the op handlers in ops.cc, which only record the request
//                      and queue it to JavaScript; they never block on JavaScript.
//   notifier thread    sends notify_inval_* to the kernel. Never from the JS thread: the kernel may
//                      hold a directory lock while it waits for a reply only the JS thread can send
//                      (libfuse fuse_lowlevel.h, "must not be called in the execution path of a
//                      related filesystem operation").
//   JS thread          receives ops through ONE thread-safe function, answers with reply* calls.
//
// Lock order (outer first): libfuse's req->lock (held while it calls our interrupt callback)
//   → pending_mu_ → the thread-safe function's own queue lock. notify_mu_ is a leaf.
//   No lock of ours is held while a reply is written to the kernel.
#pragma once

#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>
#include <napi.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace konnekt {

enum class OpKind : uint8_t {
  Init, Lookup, Forget, Getattr, Setattr, Mknod, Mkdir, Unlink, Rmdir, Symlink, Rename, Link,
  Open, Read, Write, Flush, Release, Fsync, Opendir, Readdir, Releasedir, Fsyncdir, Statfs,
  Setxattr, Getxattr, Listxattr, Removexattr, Access, Create, Interrupt, Ended,
};

// Everything a handler copies out of libfuse before the request leaves its thread.
struct Op {
  OpKind kind;
  uint64_t id = 0;  // 0 for ops that need no reply (forget, interrupt, init, ended)
  uint64_t ino = 0;  // the inode, or the parent for name ops
  uint64_t ino2 = 0;  // newparent (rename, link)
  std::string name, name2;
  uint64_t fh = 0;
  bool has_fh = false;
  int64_t offset = 0;
  uint64_t size = 0;
  int flags = 0;
  uint32_t mode = 0;
  uint32_t umask = 0;
  int to_set = 0;
  struct stat attr {};
  bool plus = false;
  bool interrupted = false;
  uint32_t uid = 0, gid = 0, pid = 0;
  char* data = nullptr;  // write payload / setxattr value, malloc'd, handed to a JS Buffer
  std::vector<std::pair<uint64_t, uint64_t>> forgets;
  uint32_t proto_major = 0, proto_minor = 0, max_write = 0, max_read = 0, max_readahead = 0;
  ~Op() { free(data); }
};

class Session;
void CallJs(Napi::Env env, Napi::Function fn, Session* self, Op* op);
using Tsfn = Napi::TypedThreadSafeFunction<Session, Op, CallJs>;

class Session : public Napi::ObjectWrap<Session> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Session(const Napi::CallbackInfo& info);
  ~Session() override;

  // Called from loop threads (ops.cc).
  void Submit(fuse_req_t req, Op* op);  // records the request, queues the op
  void Post(Op* op);  // queues an op that needs no reply
  void OnInterrupt(uint64_t id);
  void OnInit(fuse_conn_info* conn);

  // The one bridge into JavaScript: turns a queued op into an object and calls the dispatcher.
  void Deliver(Napi::Env env, Napi::Function fn, Op* op);

 private:
  struct Pending {
    fuse_req_t req;
    bool queued;
    bool interrupted;
  };
  struct Notice {
    bool entry;
    uint64_t ino;
    int64_t off;
    int64_t len;
    std::string name;
  };

  Napi::Value Mount(const Napi::CallbackInfo& info);
  Napi::Value Unmount(const Napi::CallbackInfo& info);
  Napi::Value ReplyErr(const Napi::CallbackInfo& info);
  Napi::Value ReplyEntry(const Napi::CallbackInfo& info);
  Napi::Value ReplyCreate(const Napi::CallbackInfo& info);
  Napi::Value ReplyAttr(const Napi::CallbackInfo& info);
  Napi::Value ReplyOpen(const Napi::CallbackInfo& info);
  Napi::Value ReplyBuf(const Napi::CallbackInfo& info);
  Napi::Value ReplyFd(const Napi::CallbackInfo& info);
  Napi::Value ReplyWrite(const Napi::CallbackInfo& info);
  Napi::Value ReplyStatfs(const Napi::CallbackInfo& info);
  Napi::Value ReplyXattrSize(const Napi::CallbackInfo& info);
  Napi::Value ReplyReaddir(const Napi::CallbackInfo& info);
  Napi::Value NotifyInvalInode(const Napi::CallbackInfo& info);
  Napi::Value NotifyInvalEntry(const Napi::CallbackInfo& info);
  Napi::Value IsMounted(const Napi::CallbackInfo& info);

  fuse_req_t Take(const Napi::CallbackInfo& info);  // removes the request named by info[0]
  void Loop();
  void NotifyLoop();
  void Stop();
  static void CleanupHook(void* arg);

  // Set in Mount() on the JS thread before any thread starts; read-only afterwards.
  std::string mountpoint_;
  std::vector<std::string> args_;
  unsigned threads_ = 2;
  bool splice_ = true;
  unsigned max_readahead_ = 1 << 20;
  fuse_session* se_ = nullptr;
  int wake_fd_ = -1;
  Tsfn tsfn_;
  std::vector<std::thread> loops_;
  std::thread notifier_;

  // State machine, changed only on the JS thread; loop threads read stopping_.
  enum class State { Idle, Mounted, Stopped } state_ = State::Idle;
  std::atomic<bool> stopping_{false};
  std::atomic<unsigned> running_{0};

  // Guarded by pending_mu_.
  std::mutex pending_mu_;
  std::unordered_map<uint64_t, Pending> pending_;
  uint64_t next_id_ = 1;

  // Guarded by notify_mu_.
  std::mutex notify_mu_;
  std::condition_variable notify_cv_;
  std::deque<Notice> notices_;
  bool notify_stop_ = false;
};

const fuse_lowlevel_ops& LowLevelOps();

}  // namespace konnekt
