/**
 * One daemon per user (per state directory, which holds the journal): a lock file created with
 * O_EXCL holding {pid, endpoint}. A lock whose pid is gone was left by a daemon that died (kill -9,
 * power loss) and is taken over. Node has no flock(2); the remaining gap — two daemons starting in
 * the same instant over a stale lock — is closed by the endpoint itself: the second one finds the
 * first listening and refuses to start (daemon/rpc/server.ts removeStaleSocket).
 */
import { closeSync, existsSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";

export interface LockOwner {
  pid: number;
  endpoint: string;
  startedAt: string;
}

export type LockResult = { acquired: true; release: () => void } | { acquired: false; owner: LockOwner };

export function acquireLock(file: string, owner: LockOwner): LockResult {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      try {
        writeSync(fd, `${JSON.stringify(owner)}\n`);
      } finally {
        closeSync(fd);
      }
      let released = false;
      return {
        acquired: true,
        release: () => {
          if (released) return;
          released = true;
          // Only remove our own lock: a newer daemon may have taken over a lock we thought stale.
          if (readOwner(file)?.pid === owner.pid) unlinkQuiet(file);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const current = readOwner(file);
    if (current && current.pid !== process.pid && isAlive(current.pid)) return { acquired: false, owner: current };
    unlinkQuiet(file);
  }
  throw new Error(`could not take the daemon lock ${file}`);
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(file, "utf8")) as Partial<LockOwner>;
    if (typeof o.pid === "number") return { pid: o.pid, endpoint: String(o.endpoint ?? ""), startedAt: String(o.startedAt ?? "") };
  } catch {
    // Unreadable or half-written by a daemon that died while writing it: treated as stale.
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  // A killed daemon whose parent has not reaped it yet is a zombie: it holds nothing any more.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.charAt(stat.lastIndexOf(")") + 2) !== "Z";
  } catch (err) {
    // Gone in the meantime, or no procfs (macOS): then trust kill(0).
    return (err as NodeJS.ErrnoException).code !== "ENOENT" || !existsSync("/proc/self");
  }
}

function unlinkQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}
