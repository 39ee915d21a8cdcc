// One small handler per FUSE operation (libfuse passthrough_hp.cc shape). A handler copies what it
// needs out of libfuse and queues it; the answer comes later from JavaScript through a reply* call.
// Nothing here decides an errno: that happens once, in workers/mount/errno.ts.
#include "session.h"

#include <cstdlib>
#include <cstring>

namespace konnekt {
namespace {

Session* Of(fuse_req_t req) { return static_cast<Session*>(fuse_req_userdata(req)); }

Op* NewOp(OpKind kind, fuse_req_t req) {
  Op* op = new Op();
  op->kind = kind;
  const fuse_ctx* ctx = fuse_req_ctx(req);
  op->uid = ctx->uid;
  op->gid = ctx->gid;
  op->pid = static_cast<uint32_t>(ctx->pid);
  op->umask = ctx->umask;
  return op;
}

void WithFh(Op* op, const fuse_file_info* fi) {
  if (fi != nullptr) {
    op->fh = fi->fh;
    op->has_fh = true;
  }
}

void OnInit(void* userdata, fuse_conn_info* conn) { static_cast<Session*>(userdata)->OnInit(conn); }

void OnLookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
  Op* op = NewOp(OpKind::Lookup, req);
  op->ino = parent;
  op->name = name;
  Of(req)->Submit(req, op);
}

// Forgets need no answer: reply_none first so the kernel is never kept waiting on JavaScript.
void OnForget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup) {
  Session* s = Of(req);
  Op* op = new Op();
  op->kind = OpKind::Forget;
  op->forgets.emplace_back(ino, nlookup);
  fuse_reply_none(req);
  s->Post(op);
}

void OnForgetMulti(fuse_req_t req, size_t count, fuse_forget_data* forgets) {
  Session* s = Of(req);
  Op* op = new Op();
  op->kind = OpKind::Forget;
  op->forgets.reserve(count);
  for (size_t i = 0; i < count; i++) op->forgets.emplace_back(forgets[i].ino, forgets[i].nlookup);
  fuse_reply_none(req);
  s->Post(op);
}

void OnGetattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  Op* op = NewOp(OpKind::Getattr, req);
  op->ino = ino;
  WithFh(op, fi);
  Of(req)->Submit(req, op);
}

void OnSetattr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, fuse_file_info* fi) {
  Op* op = NewOp(OpKind::Setattr, req);
  op->ino = ino;
  op->attr = *attr;
  op->to_set = to_set;
  WithFh(op, fi);
  Of(req)->Submit(req, op);
}

void OnMknod(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, dev_t /*rdev*/) {
  Op* op = NewOp(OpKind::Mknod, req);
  op->ino = parent;
  op->name = name;
  op->mode = mode;
  Of(req)->Submit(req, op);
}

void OnMkdir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode) {
  Op* op = NewOp(OpKind::Mkdir, req);
  op->ino = parent;
  op->name = name;
  op->mode = mode;
  Of(req)->Submit(req, op);
}

void OnUnlink(fuse_req_t req, fuse_ino_t parent, const char* name) {
  Op* op = NewOp(OpKind::Unlink, req);
  op->ino = parent;
  op->name = name;
  Of(req)->Submit(req, op);
}

void OnRmdir(fuse_req_t req, fuse_ino_t parent, const char* name) {
  Op* op = NewOp(OpKind::Rmdir, req);
  op->ino = parent;
  op->name = name;
  Of(req)->Submit(req, op);
}

void OnSymlink(fuse_req_t req, const char* target, fuse_ino_t parent, const char* name) {
  Op* op = NewOp(OpKind::Symlink, req);
  op->ino = parent;
  op->name = name;
  op->name2 = target;
  Of(req)->Submit(req, op);
}

void OnRename(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t newparent, const char* newname,
              unsigned int flags) {
  Op* op = NewOp(OpKind::Rename, req);
  op->ino = parent;
  op->name = name;
  op->ino2 = newparent;
  op->name2 = newname;
  op->flags = static_cast<int>(flags);
  Of(req)->Submit(req, op);
}

void OnLink(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char* newname) {
  Op* op = NewOp(OpKind::Link, req);
  op->ino = ino;
  op->ino2 = newparent;
  op->name2 = newname;
  Of(req)->Submit(req, op);
}

void OnOpen(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  Op* op = NewOp(OpKind::Open, req);
  op->ino = ino;
  op->flags = fi->flags;
  Of(req)->Submit(req, op);
}

void OnRead(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi) {
  if (fi != nullptr && Of(req)->TryDirectRead(req, fi->fh, size, off)) return;
  Op* op = NewOp(OpKind::Read, req);
  op->ino = ino;
  op->size = size;
  op->offset = off;
  WithFh(op, fi);
  Of(req)->Submit(req, op);
}

void OnWrite(fuse_req_t req, fuse_ino_t ino, const char* buf, size_t size, off_t off, fuse_file_info* fi) {
  // The payload lives in libfuse's receive buffer only until this handler returns.
  char* copy = static_cast<char*>(malloc(size > 0 ? size : 1));
  if (copy == nullptr) {
    fuse_reply_err(req, ENOMEM);
    return;
  }
  memcpy(copy, buf, size);
  Op* op = NewOp(OpKind::Write, req);
  op->ino = ino;
  op->data = copy;
  op->size = size;
  op->offset = off;
  op->flags = fi->flags;
  WithFh(op, fi);
  Of(req)->Submit(req, op);
}

void OnFlush(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  Op* op = NewOp(OpKind::Flush, req);
  op->ino = ino;
  WithFh(op, fi);
  Of(req)->Submit(req, op);
}

void OnRelease(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  Op* op = NewOp(OpKind::Release, req);
  op->ino = ino;
  op->flags = fi->flags;
  WithFh(op, fi);
  Of(req)->Submit(req, op);
}

void OnFsync(fuse_req_t req, fuse_ino_t ino, int datasync, fuse_file_info* fi) {
  Op* op = NewOp(OpKind::Fsync, req);
  op->ino = ino;
  op->flags = datasync;
  WithFh(op, fi);
  Of(req)->Submit(req, op);
}

void OnOpendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  Op* op = NewOp(OpKind::Opendir, req);
  op->ino = ino;
  op->flags = fi->flags;
  Of(req)->Submit(req, op);
}

void ReaddirCommon(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi, bool plus) {
  Op* op = NewOp(OpKind::Readdir, req);
  op->ino = ino;
  op->size = size;
  op->offset = off;
  op->plus = plus;
  WithFh(op, fi);
  Of(req)->Submit(req, op);
}

void OnReaddir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi) {
  ReaddirCommon(req, ino, size, off, fi, false);
}

void OnReaddirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi) {
  ReaddirCommon(req, ino, size, off, fi, true);
}

void OnReleasedir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  Op* op = NewOp(OpKind::Releasedir, req);
  op->ino = ino;
  WithFh(op, fi);
  Of(req)->Submit(req, op);
}

void OnFsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync, fuse_file_info* fi) {
  Op* op = NewOp(OpKind::Fsyncdir, req);
  op->ino = ino;
  op->flags = datasync;
  WithFh(op, fi);
  Of(req)->Submit(req, op);
}

void OnStatfs(fuse_req_t req, fuse_ino_t ino) {
  Op* op = NewOp(OpKind::Statfs, req);
  op->ino = ino;
  Of(req)->Submit(req, op);
}

void OnSetxattr(fuse_req_t req, fuse_ino_t ino, const char* name, const char* value, size_t size, int flags) {
  char* copy = static_cast<char*>(malloc(size > 0 ? size : 1));
  if (copy == nullptr) {
    fuse_reply_err(req, ENOMEM);
    return;
  }
  memcpy(copy, value, size);
  Op* op = NewOp(OpKind::Setxattr, req);
  op->ino = ino;
  op->name = name;
  op->data = copy;
  op->size = size;
  op->flags = flags;
  Of(req)->Submit(req, op);
}

void OnGetxattr(fuse_req_t req, fuse_ino_t ino, const char* name, size_t size) {
  const std::string& prefix = Of(req)->XattrPrefix();
  if (!prefix.empty() && strncmp(name, prefix.c_str(), prefix.size()) != 0) {
    fuse_reply_err(req, ENODATA);
    return;
  }
  Op* op = NewOp(OpKind::Getxattr, req);
  op->ino = ino;
  op->name = name;
  op->size = size;
  Of(req)->Submit(req, op);
}

void OnListxattr(fuse_req_t req, fuse_ino_t ino, size_t size) {
  Op* op = NewOp(OpKind::Listxattr, req);
  op->ino = ino;
  op->size = size;
  Of(req)->Submit(req, op);
}

void OnRemovexattr(fuse_req_t req, fuse_ino_t ino, const char* name) {
  Op* op = NewOp(OpKind::Removexattr, req);
  op->ino = ino;
  op->name = name;
  Of(req)->Submit(req, op);
}

void OnAccess(fuse_req_t req, fuse_ino_t ino, int mask) {
  Op* op = NewOp(OpKind::Access, req);
  op->ino = ino;
  op->flags = mask;
  Of(req)->Submit(req, op);
}

void OnCreate(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, fuse_file_info* fi) {
  Op* op = NewOp(OpKind::Create, req);
  op->ino = parent;
  op->name = name;
  op->mode = mode;
  op->flags = fi->flags;
  Of(req)->Submit(req, op);
}

fuse_lowlevel_ops MakeOps() {
  fuse_lowlevel_ops ops{};
  ops.init = OnInit;
  ops.lookup = OnLookup;
  ops.forget = OnForget;
  ops.forget_multi = OnForgetMulti;
  ops.getattr = OnGetattr;
  ops.setattr = OnSetattr;
  ops.mknod = OnMknod;
  ops.mkdir = OnMkdir;
  ops.unlink = OnUnlink;
  ops.rmdir = OnRmdir;
  ops.symlink = OnSymlink;
  ops.rename = OnRename;
  ops.link = OnLink;
  ops.open = OnOpen;
  ops.read = OnRead;
  ops.write = OnWrite;
  ops.flush = OnFlush;
  ops.release = OnRelease;
  ops.fsync = OnFsync;
  ops.opendir = OnOpendir;
  ops.readdir = OnReaddir;
  ops.readdirplus = OnReaddirplus;
  ops.releasedir = OnReleasedir;
  ops.fsyncdir = OnFsyncdir;
  ops.statfs = OnStatfs;
  ops.setxattr = OnSetxattr;
  ops.getxattr = OnGetxattr;
  ops.listxattr = OnListxattr;
  ops.removexattr = OnRemovexattr;
  ops.access = OnAccess;
  ops.create = OnCreate;
  return ops;
}

const char* KindName(OpKind kind) {
  switch (kind) {
    case OpKind::Init: return "init";
    case OpKind::Lookup: return "lookup";
    case OpKind::Forget: return "forget";
    case OpKind::Getattr: return "getattr";
    case OpKind::Setattr: return "setattr";
    case OpKind::Mknod: return "mknod";
    case OpKind::Mkdir: return "mkdir";
    case OpKind::Unlink: return "unlink";
    case OpKind::Rmdir: return "rmdir";
    case OpKind::Symlink: return "symlink";
    case OpKind::Rename: return "rename";
    case OpKind::Link: return "link";
    case OpKind::Open: return "open";
    case OpKind::Read: return "read";
    case OpKind::Write: return "write";
    case OpKind::Flush: return "flush";
    case OpKind::Release: return "release";
    case OpKind::Fsync: return "fsync";
    case OpKind::Opendir: return "opendir";
    case OpKind::Readdir: return "readdir";
    case OpKind::Releasedir: return "releasedir";
    case OpKind::Fsyncdir: return "fsyncdir";
    case OpKind::Statfs: return "statfs";
    case OpKind::Setxattr: return "setxattr";
    case OpKind::Getxattr: return "getxattr";
    case OpKind::Listxattr: return "listxattr";
    case OpKind::Removexattr: return "removexattr";
    case OpKind::Access: return "access";
    case OpKind::Create: return "create";
    case OpKind::Interrupt: return "interrupt";
    case OpKind::Ended: return "ended";
    case OpKind::Replied: return "replied";
  }
  return "unknown";
}

double Ms(const timespec& ts) { return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6; }

}  // namespace

const fuse_lowlevel_ops& LowLevelOps() {
  static const fuse_lowlevel_ops ops = MakeOps();
  return ops;
}

// Builds the plain object the TypeScript side types as `FuseRequest` (workers/mount/fuse.ts).
Napi::Object ToJs(Napi::Env env, Op* op) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("op", KindName(op->kind));
  auto num = [&](const char* key, double v) { o.Set(key, Napi::Number::New(env, v)); };
  if (op->id != 0) {
    num("id", static_cast<double>(op->id));
    num("uid", op->uid);
    num("gid", op->gid);
    num("pid", op->pid);
    if (op->interrupted) o.Set("interrupted", true);
  }
  switch (op->kind) {
    case OpKind::Init:
      num("protoMajor", op->proto_major);
      num("protoMinor", op->proto_minor);
      num("maxWrite", op->max_write);
      num("maxReadahead", op->max_readahead);
      num("maxRead", op->max_read);
      num("maxBackground", op->max_background);
      num("capable", op->capable);
      num("want", op->want);
      num("readaheadKb", op->readahead_kb);
      if (op->readahead_errno != 0) o.Set("readaheadError", Napi::String::New(env, strerror(op->readahead_errno)));
      return o;
    case OpKind::Forget: {
      Napi::Array items = Napi::Array::New(env, op->forgets.size() * 2);
      uint32_t i = 0;
      for (const auto& f : op->forgets) {
        items.Set(i++, Napi::Number::New(env, static_cast<double>(f.first)));
        items.Set(i++, Napi::Number::New(env, static_cast<double>(f.second)));
      }
      o.Set("items", items);
      return o;
    }
    case OpKind::Interrupt:
      num("target", static_cast<double>(op->ino));
      return o;
    case OpKind::Replied:
      num("token", static_cast<double>(op->ino));
      return o;
    case OpKind::Ended:
      return o;
    default:
      break;
  }
  switch (op->kind) {
    case OpKind::Lookup: case OpKind::Mknod: case OpKind::Mkdir: case OpKind::Unlink: case OpKind::Rmdir:
    case OpKind::Symlink: case OpKind::Rename: case OpKind::Create:
      num("parent", static_cast<double>(op->ino));
      o.Set("name", Napi::String::New(env, op->name));
      break;
    default:
      num("ino", static_cast<double>(op->ino));
      break;
  }
  if (op->has_fh) num("fh", static_cast<double>(op->fh));
  switch (op->kind) {
    case OpKind::Setattr: {
      const int s = op->to_set;
      if (s & FUSE_SET_ATTR_MODE) num("mode", op->attr.st_mode);
      if (s & FUSE_SET_ATTR_UID) num("setUid", op->attr.st_uid);
      if (s & FUSE_SET_ATTR_GID) num("setGid", op->attr.st_gid);
      if (s & FUSE_SET_ATTR_SIZE) num("size", static_cast<double>(op->attr.st_size));
      if (s & FUSE_SET_ATTR_ATIME_NOW) o.Set("atimeNow", true);
      else if (s & FUSE_SET_ATTR_ATIME) num("atimeMs", Ms(op->attr.st_atim));
      if (s & FUSE_SET_ATTR_MTIME_NOW) o.Set("mtimeNow", true);
      else if (s & FUSE_SET_ATTR_MTIME) num("mtimeMs", Ms(op->attr.st_mtim));
      if (s & FUSE_SET_ATTR_CTIME) num("ctimeMs", Ms(op->attr.st_ctim));
      break;
    }
    case OpKind::Mknod: case OpKind::Mkdir:
      num("mode", op->mode);
      num("umask", op->umask);
      break;
    case OpKind::Create:
      num("mode", op->mode);
      num("umask", op->umask);
      num("flags", op->flags);
      break;
    case OpKind::Symlink:
      o.Set("target", Napi::String::New(env, op->name2));
      break;
    case OpKind::Rename:
      num("newParent", static_cast<double>(op->ino2));
      o.Set("newName", Napi::String::New(env, op->name2));
      num("flags", op->flags);
      break;
    case OpKind::Link:
      num("newParent", static_cast<double>(op->ino2));
      o.Set("newName", Napi::String::New(env, op->name2));
      break;
    case OpKind::Open: case OpKind::Opendir: case OpKind::Release:
      num("flags", op->flags);
      break;
    case OpKind::Read:
      num("offset", static_cast<double>(op->offset));
      num("size", static_cast<double>(op->size));
      break;
    case OpKind::Write: {
      num("offset", static_cast<double>(op->offset));
      num("flags", op->flags);
      char* data = op->data;
      op->data = nullptr;  // ownership moves to the Buffer
      o.Set("data", Napi::Buffer<char>::New(env, data, op->size, [](Napi::Env, char* p) { free(p); }));
      break;
    }
    case OpKind::Fsync: case OpKind::Fsyncdir:
      o.Set("datasync", op->flags != 0);
      break;
    case OpKind::Readdir:
      num("offset", static_cast<double>(op->offset));
      num("size", static_cast<double>(op->size));
      o.Set("plus", op->plus);
      break;
    case OpKind::Setxattr: {
      o.Set("name", Napi::String::New(env, op->name));
      num("flags", op->flags);
      char* data = op->data;
      op->data = nullptr;
      o.Set("value", Napi::Buffer<char>::New(env, data, op->size, [](Napi::Env, char* p) { free(p); }));
      break;
    }
    case OpKind::Getxattr:
      o.Set("name", Napi::String::New(env, op->name));
      num("size", static_cast<double>(op->size));
      break;
    case OpKind::Listxattr:
      num("size", static_cast<double>(op->size));
      break;
    case OpKind::Removexattr:
      o.Set("name", Napi::String::New(env, op->name));
      break;
    case OpKind::Access:
      num("mask", op->flags);
      break;
    default:
      break;
  }
  return o;
}

}  // namespace konnekt
