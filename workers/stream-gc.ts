/**
 * A V8 setting for processes that stream file bytes over HTTPS (tenant workers, the mount).
 *
 * Node's TLS hands every decrypted record to JavaScript in a fresh 16 KiB ArrayBuffer: 65,536 of
 * them per GiB downloaded. V8 frees the memory of dead ArrayBuffers on a background thread by
 * default, so its count of external memory falls only some time after the scavenge that found them
 * dead; while streaming, the count runs ahead of what is live and V8 answers with a full
 * mark-compact about every 35 MiB (30 per GiB, measured with --trace-gc, reason "finalize
 * incremental marking" after external memory pressure). Freeing them during the scavenge itself
 * keeps the count true: 1–2 mark-compacts per GiB, and about a quarter less CPU per GiB fetched
 * (1.26–1.43 → 0.94 CPU-s in the same run). The setting is read at every sweep, so it also applies
 * when set after start-up, to every thread of the process.
 */
import { setFlagsFromString } from "node:v8";

export const STREAMING_V8_FLAGS: readonly string[] = ["--no-concurrent-array-buffer-sweeping"];

let applied = false;

/** Applies STREAMING_V8_FLAGS to this process (idempotent; never throws). */
export function tuneGcForStreaming(): void {
  if (applied) return;
  applied = true;
  try {
    for (const flag of STREAMING_V8_FLAGS) setFlagsFromString(flag);
  } catch {
    // An unknown flag on another Node version: streaming still works, with more GC.
  }
}
