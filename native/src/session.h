// One FUSE3 low-level session: the kernel connection, the threads that read it, and the table of
// requests JavaScript still has to answer.
//
// Threads and what they own
//   loop threads (N)   read /dev/fuse, run the op handlers in ops.cc, which only record the request
//                      and queue it to JavaScript; they never block on JavaScript.
//   reply workers (2)  answer reads whose bytes come from a descriptor (replyFd): the disk read or
//                      splice and the copy into the kernel happen here, not on the JS thread, so
//                      JavaScript only decides *where* the bytes are and goes on with the next request.
//   notifier thread    sends notify_inval_* to the kernel. Never from the JS thread: the kernel may
//                      hold a directory lock while it waits for a reply only the JS thread can send
//                      (libfuse fuse_lowlevel.h, "must not be called in the execution path of a
//                      related filesystem operation").
//   JS thread          receives ops through ONE thread-safe function, answers with reply* calls.
//
// Lock order (outer first): libfuse's req->lock (held while it calls our interrupt callback)
//   → pending_mu_ → the thread-safe function's own queue lock. notify_mu_ and fd_mu_ are leaves.
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
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace konnekt {

enum class OpKind : uint8_t {
  Init, Lookup, Forget, Getattr, Setattr, Mknod, Mkdir, Unlink, Rmdir, Symlink, Rename, Link,
  Open, Read, Write, Flush, Release, Fsync, Opendir, Readdir, Releasedir, Fsyncdir, Statfs,
  Setxattr, Getxattr, Listxattr, Removexattr, Access, Create, Interrupt, Ended, Replied,
};

// Everything a handler copies out of libfuse before the request leaves its thread.
struct Op {
  OpKind kind;
  uint64_t id = 0;  // 0 for ops that need no reply (forget, interrupt, init, ended, replied)
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
  uint32_t capable = 0, want = 0, max_background = 0;
  uint32_t readahead_kb = 0;  // the read-ahead the mount's bdi was given after INIT (0: left alone)
  int readahead_errno = 0;  // why it could not be (EACCES as non-root, ENOENT: bdi not found)
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
  // getxattr of a name outside this prefix is answered ENODATA on the loop thread: `ls -l` asks
  // for security.selinux and system.posix_acl_access on every entry, and the answer never depends
  // on JavaScript. Empty: every name goes to JavaScript.
  const std::string& XattrPrefix() const { return xattr_prefix_; }

  // The one bridge into JavaScript: turns a queued op into an object and calls the dispatcher.
  void Deliver(Napi::Env env, Napi::Function fn, Op* op);

 private:
  struct Pending {
    fuse_req_t req;
    bool queued;
    bool interrupted;
  };
  // A read answered from a descriptor by a reply worker; `token` (0: none) is posted back to
  // JavaScript as a `replied` op once the descriptor is no longer needed.
  struct FdJob {
    fuse_req_t req;
    int fd;
    int64_t offset;
    size_t length;
    uint64_t token;
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
  Napi::Value SetDirect(const Napi::CallbackInfo& info);
  Napi::Value ClearDirect(const Napi::CallbackInfo& info);
  Napi::Value DirectReads(const Napi::CallbackInfo& info);

 public:
  // Called on a loop thread for every READ: answers it at once when the handle has a direct range
  // covering it (see SetDirect), without a round trip through JavaScript.
  bool TryDirectRead(fuse_req_t req, uint64_t fh, size_t size, off_t off);

 private:

  fuse_req_t Take(const Napi::CallbackInfo& info);  // removes the request named by info[0]
  void Loop();
  void NotifyLoop();
  void FdLoop();
  void AfterInit(Op* op);
  void Stop();
  static void CleanupHook(void* arg);

  // Set in Mount() on the JS thread before any thread starts; read-only afterwards.
  std::string mountpoint_;
  std::vector<std::string> args_;
  unsigned threads_ = 2;
  bool splice_ = true;
  std::string xattr_prefix_;
  unsigned readahead_kb_ = 0;  // 0: keep the kernel's read-ahead (128 KiB)
  std::string bdi_readahead_path_;  // /sys/class/bdi/<maj:min>/read_ahead_kb of this mount
  fuse_session* se_ = nullptr;
  int wake_fd_ = -1;
  Tsfn tsfn_;
  std::vector<std::thread> loops_;
  std::thread notifier_;
  std::vector<std::thread> fd_workers_;
  unsigned fd_threads_ = 2;

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

  // Guarded by fd_mu_. Workers drain the queue before they stop: every job is a request already
  // taken out of pending_, which nobody else would answer.
  std::mutex fd_mu_;
  std::condition_variable fd_cv_;
  std::deque<FdJob> fd_jobs_;
  bool fd_stop_ = false;

  // Direct ranges: per open handle, item bytes [start, end) that sit in `fd` (our own dup, closed
  // when the range is replaced or cleared) from `fd_offset`, and that JavaScript keeps in place
  // until it clears the range. Loop threads read under a shared lock and hold it while they
  // splice, so ClearDirect returns only once no reply uses the descriptor any more.
  struct DirectRange {
    int fd;
    uint64_t start;
    uint64_t end;
    int64_t fd_offset;
    bool at_eof;  // `end` is the file's end: a read past it is answered short (EOF)
  };
  std::shared_mutex direct_mu_;
  std::unordered_map<uint64_t, DirectRange> direct_;
  std::atomic<uint64_t> direct_reads_{0};
  void ClearAllDirect();
};

const fuse_lowlevel_ops& LowLevelOps();

}  // namespace konnekt
