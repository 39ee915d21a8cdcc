// Session lifecycle, the loop threads, and the reply* methods JavaScript answers with.
// Lock order and thread roles: see session.h.
#include "session.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>

namespace konnekt {

Napi::Object ToJs(Napi::Env env, Op* op);  // ops.cc

namespace {

void InterruptTrampoline(fuse_req_t req, void* data) {
  static_cast<Session*>(fuse_req_userdata(req))->OnInterrupt(static_cast<uint64_t>(reinterpret_cast<uintptr_t>(data)));
}

double NumberOr(const Napi::Object& o, const char* key, double fallback) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : fallback;
}

bool BoolOr(const Napi::Object& o, const char* key, bool fallback) {
  Napi::Value v = o.Get(key);
  return v.IsBoolean() ? v.As<Napi::Boolean>().Value() : fallback;
}

timespec FromMs(double ms) {
  timespec ts{};
  double sec = std::floor(ms / 1e3);
  ts.tv_sec = static_cast<time_t>(sec);
  ts.tv_nsec = static_cast<long>((ms - sec * 1e3) * 1e6);
  if (ts.tv_nsec < 0) ts.tv_nsec = 0;
  if (ts.tv_nsec > 999999999) ts.tv_nsec = 999999999;
  return ts;
}

// The attribute object of workers/mount/fuse.ts (`FuseAttr`).
struct stat ToStat(const Napi::Object& a) {
  struct stat st {};
  st.st_ino = static_cast<ino_t>(NumberOr(a, "ino", 0));
  st.st_mode = static_cast<mode_t>(NumberOr(a, "mode", 0));
  st.st_nlink = static_cast<nlink_t>(NumberOr(a, "nlink", 1));
  st.st_uid = static_cast<uid_t>(NumberOr(a, "uid", 0));
  st.st_gid = static_cast<gid_t>(NumberOr(a, "gid", 0));
  st.st_size = static_cast<off_t>(NumberOr(a, "size", 0));
  st.st_blksize = static_cast<blksize_t>(NumberOr(a, "blksize", 4096));
  st.st_blocks = static_cast<blkcnt_t>(NumberOr(a, "blocks", std::ceil(static_cast<double>(st.st_size) / 512)));
  st.st_atim = FromMs(NumberOr(a, "atimeMs", 0));
  st.st_mtim = FromMs(NumberOr(a, "mtimeMs", 0));
  st.st_ctim = FromMs(NumberOr(a, "ctimeMs", 0));
  return st;
}

fuse_entry_param ToEntry(const Napi::Object& e) {
  fuse_entry_param p{};
  p.ino = static_cast<fuse_ino_t>(NumberOr(e, "ino", 0));
  p.generation = static_cast<uint64_t>(NumberOr(e, "generation", 0));
  Napi::Value attr = e.Get("attr");
  if (attr.IsObject()) p.attr = ToStat(attr.As<Napi::Object>());
  p.attr_timeout = NumberOr(e, "attrTimeout", 1);
  p.entry_timeout = NumberOr(e, "entryTimeout", 1);
  return p;
}

void ApplyOpenFlags(fuse_file_info* fi, const Napi::Value& v) {
  if (!v.IsObject()) return;
  Napi::Object o = v.As<Napi::Object>();
  fi->direct_io = BoolOr(o, "directIo", false) ? 1 : 0;
  fi->keep_cache = BoolOr(o, "keepCache", false) ? 1 : 0;
  fi->nonseekable = BoolOr(o, "nonSeekable", false) ? 1 : 0;
}

// Mount points in mountinfo escape space, tab, newline and backslash as \ooo.
std::string UnescapeMountInfo(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); i++) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7' && s[i + 2] >= '0' && s[i + 2] <= '7' &&
        s[i + 3] >= '0' && s[i + 3] <= '7') {
      out.push_back(static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// The read_ahead_kb file of the bdi behind the mount at `mountpoint` ("" when not found). Read from
// /proc/self/mountinfo: stat'ing our own mount before INIT is answered would hang.
std::string BdiReadaheadPath(const std::string& mountpoint) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line, found;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, point;
    if (!(fields >> id >> parent >> dev >> root >> point)) continue;
    // The last match is the mount on top when several are stacked.
    if (UnescapeMountInfo(point) == mountpoint) found = dev;
  }
  return found.empty() ? std::string() : "/sys/class/bdi/" + found + "/read_ahead_kb";
}

// Set on the loop thread that ran the INIT handler; its reply has been written (and the kernel has
// applied it) once fuse_session_process_buf returns.
thread_local Op* t_init_op = nullptr;

}  // namespace

void CallJs(Napi::Env env, Napi::Function fn, Session* self, Op* op) {
  if (env == nullptr || self == nullptr) {  // the queue is being torn down
    delete op;
    return;
  }
  self->Deliver(env, fn, op);
}

Napi::Function Session::Define(Napi::Env env) {
  return DefineClass(env, "Session",
                     {
                         InstanceMethod("mount", &Session::Mount),
                         InstanceMethod("unmount", &Session::Unmount),
                         InstanceMethod("isMounted", &Session::IsMounted),
                         InstanceMethod("replyErr", &Session::ReplyErr),
                         InstanceMethod("replyEntry", &Session::ReplyEntry),
                         InstanceMethod("replyCreate", &Session::ReplyCreate),
                         InstanceMethod("replyAttr", &Session::ReplyAttr),
                         InstanceMethod("replyOpen", &Session::ReplyOpen),
                         InstanceMethod("replyBuf", &Session::ReplyBuf),
                         InstanceMethod("replyFd", &Session::ReplyFd),
                         InstanceMethod("replyWrite", &Session::ReplyWrite),
                         InstanceMethod("replyStatfs", &Session::ReplyStatfs),
                         InstanceMethod("replyXattrSize", &Session::ReplyXattrSize),
                         InstanceMethod("replyReaddir", &Session::ReplyReaddir),
                         InstanceMethod("notifyInvalInode", &Session::NotifyInvalInode),
                         InstanceMethod("notifyInvalEntry", &Session::NotifyInvalEntry),
                         InstanceMethod("setDirect", &Session::SetDirect),
                         InstanceMethod("clearDirect", &Session::ClearDirect),
                         InstanceMethod("directReads", &Session::DirectReads),
                     });
}

Session::Session(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Session>(info) {}

Session::~Session() {
  // A mounted session holds a reference to itself, so this only runs for idle or stopped ones.
  if (state_ == State::Mounted) Stop();
}

// mount({ mountpoint, args, threads, splice }, dispatch)
Napi::Value Session::Mount(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (state_ != State::Idle) throw Napi::Error::New(env, "konnekt-fuse: a session mounts once");
  if (!info[0].IsObject() || !info[1].IsFunction()) throw Napi::TypeError::New(env, "mount(options, dispatch)");
  Napi::Object opts = info[0].As<Napi::Object>();
  mountpoint_ = opts.Get("mountpoint").As<Napi::String>().Utf8Value();
  Napi::Array args = opts.Get("args").As<Napi::Array>();
  for (uint32_t i = 0; i < args.Length(); i++) args_.push_back(args.Get(i).As<Napi::String>().Utf8Value());
  threads_ = static_cast<unsigned>(NumberOr(opts, "threads", 2));
  if (threads_ < 1) threads_ = 1;
  splice_ = BoolOr(opts, "splice", true);
  Napi::Value prefix = opts.Get("xattrPrefix");
  if (prefix.IsString()) xattr_prefix_ = prefix.As<Napi::String>().Utf8Value();
  double ra = NumberOr(opts, "readaheadKb", 0);
  readahead_kb_ = ra > 0 && ra <= 65536 ? static_cast<unsigned>(ra) : 0;

  std::vector<char*> argv;
  static char program[] = "konnekt";
  argv.push_back(program);
  for (auto& a : args_) argv.push_back(a.data());
  fuse_args fargs = FUSE_ARGS_INIT(static_cast<int>(argv.size()), argv.data());
  se_ = fuse_session_new(&fargs, &LowLevelOps(), sizeof(fuse_lowlevel_ops), this);
  fuse_opt_free_args(&fargs);
  if (se_ == nullptr) throw Napi::Error::New(env, "konnekt-fuse: libfuse refused the mount options");
  if (fuse_session_mount(se_, mountpoint_.c_str()) != 0) {
    fuse_session_destroy(se_);
    se_ = nullptr;
    throw Napi::Error::New(env, "konnekt-fuse: mount failed (see the libfuse message above)");
  }
  if (readahead_kb_ > 0) bdi_readahead_path_ = BdiReadaheadPath(mountpoint_);
  // Non-blocking reads plus an eventfd let unmount() wake every loop thread even while a lazily
  // detached mount keeps the kernel connection alive (a file still open elsewhere).
  int fd = fuse_session_fd(se_);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  tsfn_ = Tsfn::New(env, info[1].As<Napi::Function>(), "konnekt-fuse", 0, 1, this);
  state_ = State::Mounted;
  Ref();
  // Registered after the thread-safe function so it runs before the queue's own teardown.
  napi_add_env_cleanup_hook(env, CleanupHook, this);
  notifier_ = std::thread([this] { NotifyLoop(); });
  for (unsigned i = 0; i < fd_threads_; i++) fd_workers_.emplace_back([this] { FdLoop(); });
  running_ = threads_;
  for (unsigned i = 0; i < threads_; i++) loops_.emplace_back([this] { Loop(); });
  return env.Undefined();
}

void Session::Loop() {
  fuse_buf buf{};
  pollfd fds[2] = {{fuse_session_fd(se_), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  while (!stopping_ && !fuse_session_exited(se_)) {
    int r = poll(fds, 2, -1);
    if (r < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents != 0) break;
    int res = fuse_session_receive_buf(se_, &buf);
    if (res == -EINTR || res == -EAGAIN) continue;
    if (res <= 0) break;  // 0: the kernel ended the connection (ENODEV)
    fuse_session_process_buf(se_, &buf);
    if (t_init_op != nullptr) {
      Op* op = t_init_op;
      t_init_op = nullptr;
      AfterInit(op);
    }
  }
  free(buf.mem);
  if (running_.fetch_sub(1) == 1 && !stopping_) {
    // The last thread out tells JavaScript the kernel side is gone (external umount or abort).
    Op* op = new Op();
    op->kind = OpKind::Ended;
    Post(op);
  }
}

void Session::NotifyLoop() {
  std::unique_lock<std::mutex> lock(notify_mu_);
  while (true) {
    notify_cv_.wait(lock, [this] { return notify_stop_ || !notices_.empty(); });
    if (notify_stop_) return;
    Notice n = std::move(notices_.front());
    notices_.pop_front();
    lock.unlock();
    // ENOENT only says the kernel had nothing cached for it.
    if (n.entry) {
      fuse_lowlevel_notify_inval_entry(se_, n.ino, n.name.c_str(), n.name.size());
    } else {
      fuse_lowlevel_notify_inval_inode(se_, n.ino, n.off, n.len);
    }
    lock.lock();
  }
}

void Session::FdLoop() {
  std::unique_lock<std::mutex> lock(fd_mu_);
  while (true) {
    fd_cv_.wait(lock, [this] { return fd_stop_ || !fd_jobs_.empty(); });
    if (fd_jobs_.empty()) return;  // stopping, and nothing left to answer
    FdJob job = fd_jobs_.front();
    fd_jobs_.pop_front();
    lock.unlock();
    fuse_bufvec bv = FUSE_BUFVEC_INIT(job.length);
    bv.buf[0].flags = static_cast<fuse_buf_flags>(FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK);
    bv.buf[0].fd = job.fd;
    bv.buf[0].pos = job.offset;
    // A read error is answered to the kernel by libfuse itself (the errno of the failed read).
    fuse_reply_data(job.req, &bv, FUSE_BUF_SPLICE_MOVE);
    if (job.token != 0) {
      Op* op = new Op();
      op->kind = OpKind::Replied;
      op->ino = job.token;
      Post(op);
    }
    lock.lock();
  }
}

void Session::Submit(fuse_req_t req, Op* op) {
  uint64_t id;
  {
    std::lock_guard<std::mutex> lock(pending_mu_);
    id = next_id_++;
    pending_[id] = Pending{req, false, false};
  }
  op->id = id;
  // May call OnInterrupt at once when the interrupt already arrived; it only marks the entry then.
  fuse_req_interrupt_func(req, InterruptTrampoline, reinterpret_cast<void*>(static_cast<uintptr_t>(id)));
  bool queued;
  {
    std::lock_guard<std::mutex> lock(pending_mu_);
    Pending& p = pending_[id];
    p.queued = true;
    op->interrupted = p.interrupted;
    // Queued under the lock so an interrupt for this id can never overtake its op.
    queued = tsfn_.NonBlockingCall(op) == napi_ok;
    if (!queued) pending_.erase(id);
  }
  if (!queued) {
    delete op;
    fuse_reply_err(req, EIO);
  }
}

void Session::Post(Op* op) {
  if (tsfn_.NonBlockingCall(op) != napi_ok) delete op;
}

void Session::OnInterrupt(uint64_t id) {
  std::lock_guard<std::mutex> lock(pending_mu_);
  auto it = pending_.find(id);
  if (it == pending_.end()) return;  // already answered
  if (!it->second.queued) {
    it->second.interrupted = true;
    return;
  }
  Op* op = new Op();
  op->kind = OpKind::Interrupt;
  op->ino = id;
  if (tsfn_.NonBlockingCall(op) != napi_ok) delete op;
}

void Session::OnInit(fuse_conn_info* conn) {
  if (splice_ && (conn->capable & FUSE_CAP_SPLICE_WRITE)) {
    conn->want |= FUSE_CAP_SPLICE_WRITE;
    if (conn->capable & FUSE_CAP_SPLICE_MOVE) conn->want |= FUSE_CAP_SPLICE_MOVE;
  }
  // More background requests than the default 12 keep readahead of several files flowing.
  conn->max_background = 64;
  conn->congestion_threshold = 48;
  Op* op = new Op();
  op->kind = OpKind::Init;
  op->capable = conn->capable;
  op->want = conn->want;
  op->max_background = conn->max_background;
  op->proto_major = conn->proto_major;
  op->proto_minor = conn->proto_minor;
  op->max_write = conn->max_write;
  op->max_read = conn->max_read;
  op->max_readahead = conn->max_readahead;
  // Posted by AfterInit, once the kernel has applied the INIT reply.
  t_init_op = op;
}

// The kernel sets the mount's read-ahead to min(its default 128 KiB, our max_readahead) while it
// processes the INIT reply, so a larger window can only be set afterwards, through the bdi's
// read_ahead_kb (writable by root only; others keep 128 KiB and the reason is reported). Larger
// read-ahead makes the kernel send 1 MiB reads (max_pages) and keep more of them in flight.
void Session::AfterInit(Op* op) {
  if (readahead_kb_ > 0) {
    if (bdi_readahead_path_.empty()) {
      op->readahead_errno = ENOENT;
    } else {
      int fd = open(bdi_readahead_path_.c_str(), O_WRONLY | O_CLOEXEC);
      std::string value = std::to_string(readahead_kb_) + "\n";
      if (fd < 0) {
        op->readahead_errno = errno;
      } else {
        if (write(fd, value.data(), value.size()) < 0) op->readahead_errno = errno;
        else op->readahead_kb = readahead_kb_;
        close(fd);
      }
    }
  }
  Post(op);
}

void Session::Deliver(Napi::Env env, Napi::Function fn, Op* raw) {
  std::unique_ptr<Op> op(raw);
  if (state_ != State::Mounted) return;
  if (op->id != 0) {
    std::lock_guard<std::mutex> lock(pending_mu_);
    if (pending_.find(op->id) == pending_.end()) return;
  }
  // No C++ exception may leave a thread-safe-function callback (std::terminate). Two causes:
  // the dispatcher threw (a bug: rethrown into JS as an uncaught exception) or the environment is
  // shutting down (worker terminate) and cannot run JS at all (dropped; unmount follows).
  try {
    Napi::Object o = ToJs(env, op.get());
    fn.Call({o});
  } catch (const Napi::Error& e) {
    try {
      napi_throw(env, e.Value());
    } catch (...) {
    }
  } catch (...) {
  }
}

void Session::Stop() {
  if (state_ != State::Mounted) return;
  state_ = State::Stopped;
  stopping_ = true;
  fuse_session_exit(se_);
  uint64_t one = 1;
  if (write(wake_fd_, &one, sizeof one) < 0) {
    // An eventfd write only fails on overflow, which cannot happen with a single increment.
  }
  for (auto& t : loops_) t.join();
  loops_.clear();
  {
    std::lock_guard<std::mutex> lock(fd_mu_);
    fd_stop_ = true;
  }
  fd_cv_.notify_all();
  for (auto& t : fd_workers_) t.join();
  fd_workers_.clear();
  {
    std::lock_guard<std::mutex> lock(notify_mu_);
    notify_stop_ = true;
  }
  notify_cv_.notify_all();
  notifier_.join();
  std::unordered_map<uint64_t, Pending> left;
  {
    std::lock_guard<std::mutex> lock(pending_mu_);
    left.swap(pending_);
  }
  for (auto& kv : left) fuse_reply_err(kv.second.req, EIO);
  ClearAllDirect();
  fuse_session_unmount(se_);
  fuse_session_destroy(se_);  // closes /dev/fuse: the kernel aborts what is still waiting
  se_ = nullptr;
  close(wake_fd_);
  wake_fd_ = -1;
  tsfn_.Release();
}

void Session::CleanupHook(void* arg) {
  // Worker thread or process exit with the mount still up: unmount so nothing is left stale.
  static_cast<Session*>(arg)->Stop();
}

Napi::Value Session::Unmount(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (state_ != State::Mounted) return Napi::Boolean::New(env, false);
  Stop();
  napi_remove_env_cleanup_hook(env, CleanupHook, this);
  Unref();
  return Napi::Boolean::New(env, true);
}

Napi::Value Session::IsMounted(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), state_ == State::Mounted);
}

fuse_req_t Session::Take(const Napi::CallbackInfo& info) {
  uint64_t id = static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value());
  std::lock_guard<std::mutex> lock(pending_mu_);
  auto it = pending_.find(id);
  if (it == pending_.end()) return nullptr;
  fuse_req_t req = it->second.req;
  pending_.erase(it);
  return req;
}

// Every reply* returns false when the request is no longer pending (answered, or the session
// stopped); the caller logs that, it is never a crash.

Napi::Value Session::ReplyErr(const Napi::CallbackInfo& info) {
  fuse_req_t req = Take(info);
  if (req == nullptr) return Napi::Boolean::New(info.Env(), false);
  fuse_reply_err(req, info[1].As<Napi::Number>().Int32Value());
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value Session::ReplyEntry(const Napi::CallbackInfo& info) {
  fuse_entry_param e = ToEntry(info[1].As<Napi::Object>());
  fuse_req_t req = Take(info);
  if (req == nullptr) return Napi::Boolean::New(info.Env(), false);
  fuse_reply_entry(req, &e);
  return Napi::Boolean::New(info.Env(), true);
}

// replyCreate(id, entry, fh, openFlags)
Napi::Value Session::ReplyCreate(const Napi::CallbackInfo& info) {
  fuse_entry_param e = ToEntry(info[1].As<Napi::Object>());
  fuse_file_info fi{};
  fi.fh = static_cast<uint64_t>(info[2].As<Napi::Number>().Int64Value());
  ApplyOpenFlags(&fi, info[3]);
  fuse_req_t req = Take(info);
  if (req == nullptr) return Napi::Boolean::New(info.Env(), false);
  fuse_reply_create(req, &e, &fi);
  return Napi::Boolean::New(info.Env(), true);
}

// replyAttr(id, attr, timeoutSeconds)
Napi::Value Session::ReplyAttr(const Napi::CallbackInfo& info) {
  struct stat st = ToStat(info[1].As<Napi::Object>());
  double timeout = info[2].As<Napi::Number>().DoubleValue();
  fuse_req_t req = Take(info);
  if (req == nullptr) return Napi::Boolean::New(info.Env(), false);
  fuse_reply_attr(req, &st, timeout);
  return Napi::Boolean::New(info.Env(), true);
}

// replyOpen(id, fh, openFlags)
Napi::Value Session::ReplyOpen(const Napi::CallbackInfo& info) {
  fuse_file_info fi{};
  fi.fh = static_cast<uint64_t>(info[1].As<Napi::Number>().Int64Value());
  ApplyOpenFlags(&fi, info[2]);
  fuse_req_t req = Take(info);
  if (req == nullptr) return Napi::Boolean::New(info.Env(), false);
  fuse_reply_open(req, &fi);
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value Session::ReplyBuf(const Napi::CallbackInfo& info) {
  Napi::Buffer<char> b = info[1].As<Napi::Buffer<char>>();
  fuse_req_t req = Take(info);
  if (req == nullptr) return Napi::Boolean::New(info.Env(), false);
  fuse_reply_buf(req, b.Data(), b.Length());
  return Napi::Boolean::New(info.Env(), true);
}

// replyFd(id, fd, offset, length, token): the kernel gets the bytes straight from the file (spliced
// when the kernel allows it) on a reply worker; a short file gives a short read, a read error is
// answered by libfuse itself. The descriptor must stay open and its bytes in place until the
// `replied` op for `token` arrives (token 0: no notice; the caller guarantees it otherwise).
Napi::Value Session::ReplyFd(const Napi::CallbackInfo& info) {
  int fd = info[1].As<Napi::Number>().Int32Value();
  int64_t offset = info[2].As<Napi::Number>().Int64Value();
  int64_t length = info[3].As<Napi::Number>().Int64Value();
  uint64_t token = info[4].IsNumber() ? static_cast<uint64_t>(info[4].As<Napi::Number>().Int64Value()) : 0;
  fuse_req_t req = Take(info);
  if (req == nullptr) return Napi::Boolean::New(info.Env(), false);
  {
    std::lock_guard<std::mutex> lock(fd_mu_);
    fd_jobs_.push_back(FdJob{req, fd, offset, static_cast<size_t>(length < 0 ? 0 : length), token});
  }
  fd_cv_.notify_one();
  return Napi::Boolean::New(info.Env(), true);
}

bool Session::TryDirectRead(fuse_req_t req, uint64_t fh, size_t size, off_t off) {
  if (off < 0) return false;
  std::shared_lock<std::shared_mutex> lock(direct_mu_);
  auto it = direct_.find(fh);
  if (it == direct_.end()) return false;
  const DirectRange& d = it->second;
  uint64_t from = static_cast<uint64_t>(off);
  if (from < d.start || from > d.end) return false;
  // A read that runs past the range is the core's to answer, unless the range ends the file.
  if (from + size > d.end && !d.at_eof) return false;
  size_t length = static_cast<size_t>(std::min<uint64_t>(size, d.end - from));
  fuse_bufvec bv = FUSE_BUFVEC_INIT(length);
  bv.buf[0].flags = static_cast<fuse_buf_flags>(FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK);
  bv.buf[0].fd = d.fd;
  bv.buf[0].pos = d.fd_offset + static_cast<int64_t>(from - d.start);
  fuse_reply_data(req, &bv, FUSE_BUF_SPLICE_MOVE);
  direct_reads_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

// setDirect(fh, fd, start, end, fdOffset, atEof): until cleared, reads of handle `fh` inside
// [start, end) are answered from `fd` by the loop thread that receives them. The caller keeps the
// bytes in place until clearDirect(fh) returned; the descriptor is duplicated here.
Napi::Value Session::SetDirect(const Napi::CallbackInfo& info) {
  if (state_ != State::Mounted) return Napi::Boolean::New(info.Env(), false);
  uint64_t fh = static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value());
  int fd = fcntl(info[1].As<Napi::Number>().Int32Value(), F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return Napi::Boolean::New(info.Env(), false);
  DirectRange d{fd, static_cast<uint64_t>(info[2].As<Napi::Number>().Int64Value()), static_cast<uint64_t>(info[3].As<Napi::Number>().Int64Value()),
                info[4].As<Napi::Number>().Int64Value(), info[5].ToBoolean().Value()};
  int old = -1;
  {
    std::unique_lock<std::shared_mutex> lock(direct_mu_);
    auto it = direct_.find(fh);
    if (it != direct_.end()) old = it->second.fd;
    direct_[fh] = d;
  }
  if (old >= 0) close(old);
  return Napi::Boolean::New(info.Env(), true);
}

// clearDirect(fh): reads of `fh` go to JavaScript again; when this returns, no reply uses the
// range's bytes any more.
Napi::Value Session::ClearDirect(const Napi::CallbackInfo& info) {
  uint64_t fh = static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value());
  int old = -1;
  {
    std::unique_lock<std::shared_mutex> lock(direct_mu_);
    auto it = direct_.find(fh);
    if (it == direct_.end()) return Napi::Boolean::New(info.Env(), false);
    old = it->second.fd;
    direct_.erase(it);
  }
  close(old);
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value Session::DirectReads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(direct_reads_.load(std::memory_order_relaxed)));
}

void Session::ClearAllDirect() {
  std::unique_lock<std::shared_mutex> lock(direct_mu_);
  for (auto& kv : direct_) close(kv.second.fd);
  direct_.clear();
}

Napi::Value Session::ReplyWrite(const Napi::CallbackInfo& info) {
  size_t count = static_cast<size_t>(info[1].As<Napi::Number>().Int64Value());
  fuse_req_t req = Take(info);
  if (req == nullptr) return Napi::Boolean::New(info.Env(), false);
  fuse_reply_write(req, count);
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value Session::ReplyStatfs(const Napi::CallbackInfo& info) {
  Napi::Object o = info[1].As<Napi::Object>();
  struct statvfs sv {};
  sv.f_bsize = static_cast<unsigned long>(NumberOr(o, "bsize", 4096));
  sv.f_frsize = static_cast<unsigned long>(NumberOr(o, "frsize", 4096));
  sv.f_blocks = static_cast<fsblkcnt_t>(NumberOr(o, "blocks", 0));
  sv.f_bfree = static_cast<fsblkcnt_t>(NumberOr(o, "bfree", 0));
  sv.f_bavail = static_cast<fsblkcnt_t>(NumberOr(o, "bavail", 0));
  sv.f_files = static_cast<fsfilcnt_t>(NumberOr(o, "files", 0));
  sv.f_ffree = static_cast<fsfilcnt_t>(NumberOr(o, "ffree", 0));
  sv.f_favail = sv.f_ffree;
  sv.f_namemax = static_cast<unsigned long>(NumberOr(o, "namemax", 255));
  fuse_req_t req = Take(info);
  if (req == nullptr) return Napi::Boolean::New(info.Env(), false);
  fuse_reply_statfs(req, &sv);
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value Session::ReplyXattrSize(const Napi::CallbackInfo& info) {
  size_t size = static_cast<size_t>(info[1].As<Napi::Number>().Int64Value());
  fuse_req_t req = Take(info);
  if (req == nullptr) return Napi::Boolean::New(info.Env(), false);
  fuse_reply_xattr(req, size);
  return Napi::Boolean::New(info.Env(), true);
}

// replyReaddir(id, size, plus, entries) → how many entries fitted. The caller counts lookups only
// for those (readdirplus entries other than "." and ".." each hold one lookup).
Napi::Value Session::ReplyReaddir(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  size_t size = static_cast<size_t>(info[1].As<Napi::Number>().Int64Value());
  bool plus = info[2].As<Napi::Boolean>().Value();
  Napi::Array entries = info[3].As<Napi::Array>();
  fuse_req_t req = Take(info);
  if (req == nullptr) return Napi::Number::New(env, -1);
  std::vector<char> buf(size);
  size_t used = 0;
  uint32_t n = 0;
  for (; n < entries.Length(); n++) {
    Napi::Object e = entries.Get(n).As<Napi::Object>();
    std::string name = e.Get("name").As<Napi::String>().Utf8Value();
    off_t next = static_cast<off_t>(NumberOr(e, "next", 0));
    size_t need;
    if (plus) {
      fuse_entry_param p = ToEntry(e);
      need = fuse_add_direntry_plus(req, buf.data() + used, size - used, name.c_str(), &p, next);
    } else {
      struct stat st = ToStat(e.Get("attr").As<Napi::Object>());
      need = fuse_add_direntry(req, buf.data() + used, size - used, name.c_str(), &st, next);
    }
    if (need > size - used) break;
    used += need;
  }
  fuse_reply_buf(req, buf.data(), used);
  return Napi::Number::New(env, n);
}

Napi::Value Session::NotifyInvalInode(const Napi::CallbackInfo& info) {
  if (state_ != State::Mounted) return Napi::Boolean::New(info.Env(), false);
  Notice n{false, static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value()),
           info[1].As<Napi::Number>().Int64Value(), info[2].As<Napi::Number>().Int64Value(), {}};
  {
    std::lock_guard<std::mutex> lock(notify_mu_);
    notices_.push_back(std::move(n));
  }
  notify_cv_.notify_one();
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value Session::NotifyInvalEntry(const Napi::CallbackInfo& info) {
  if (state_ != State::Mounted) return Napi::Boolean::New(info.Env(), false);
  Notice n{true, static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value()), 0, 0,
           info[1].As<Napi::String>().Utf8Value()};
  {
    std::lock_guard<std::mutex> lock(notify_mu_);
    notices_.push_back(std::move(n));
  }
  notify_cv_.notify_one();
  return Napi::Boolean::New(info.Env(), true);
}

}  // namespace konnekt
