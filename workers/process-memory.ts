/**
 * Gives memory that the C heap freed back to the system. Node's allocator (glibc malloc) keeps
 * freed memory in its arenas: a daemon or tenant worker that is idle after start-up or after a big
 * transfer would otherwise keep tens of MiB it does not use (bench/daemon-memory.ts measured
 * 10–40 MiB per worker). The trim lives in the native addon; without it (not built, not glibc) this
 * does nothing.
 */
import { loadAddon } from "./mount/fuse.js";

/** Whether any memory went back. Never throws. */
export function trimFreedMemory(): boolean {
  try {
    return loadAddon().trimMemory();
  } catch {
    return false;
  }
}

/** Trims after `firstMs`, then every `everyMs`, on timers that never keep the process alive. */
export function scheduleMemoryTrim(firstMs = 3_000, everyMs = 60_000): () => void {
  const first = setTimeout(() => trimFreedMemory(), firstMs);
  const every = setInterval(() => trimFreedMemory(), everyMs);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
