/**
 * Where the control endpoint lives. One rule, shared by the daemon, the `konnekt` CLI and the
 * PowerShell module (docs/rpc.md §1), first match wins:
 *   1. KONNEKT_ENDPOINT, verbatim;
 *   2. $XDG_RUNTIME_DIR/konnekt/konnekt.sock (directory 0700);
 *   3. ${TMPDIR:-/tmp}/CoreFxPipe_konnekt-<uid>: the path .NET's NamedPipeClientStream derives from
 *      the pipe name `konnekt-<uid>` on Unix (PipeStream.Unix.cs GetPipePath + Path.GetTempPath), so
 *      PowerShell needs no path logic at all in this case. Path.GetTempPath reads TMPDIR only, while
 *      Node's os.tmpdir() also reads TMP and TEMP, so os.tmpdir() must not be used here.
 * On Windows (rule 4): `\\.\pipe\konnekt-<user SID>`. Pipe names are machine-wide (every session of
 * an RDS/Citrix host shares them), so the name carries the SID: users never collide, and a pipe
 * squatted under another user's name is refused by the client's server check and by the daemon's
 * peer check (rpc/peer.ts). Exercised on Windows only.
 */
import { join } from "node:path";
import { KonnektError } from "../../workers/errors.js";
import { currentUserSid } from "./peer.js";

/** sun_path is 108 bytes on Linux including the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;

export interface Endpoint {
  /** The socket path (Unix) or pipe name (Windows). */
  path: string;
  /** Directory the daemon creates with mode 0700, when the rule gives the endpoint its own one. */
  privateDir: string | null;
  rule: "env" | "xdgRuntime" | "tmpdir" | "windowsPipe";
}

export interface EndpointInputs {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  uid: number;
  /** Windows: the user's SID (`S-1-5-21-…`); required there. */
  sid?: string;
}

export function pipeName(uid: number): string {
  return `konnekt-${uid}`;
}

export function resolveEndpoint(inputs: EndpointInputs): Endpoint {
  const { env } = inputs;
  const override = env.KONNEKT_ENDPOINT;
  if (override !== undefined && override !== "") return checked({ path: override, privateDir: null, rule: "env" }, inputs);
  if (inputs.platform === "win32") {
    if (inputs.sid === undefined || !/^S-1-[0-9]+(-[0-9]+)+$/i.test(inputs.sid)) {
      throw new KonnektError("configInvalid", "The user's SID is needed for the control pipe name and could not be determined.", { key: "KONNEKT_ENDPOINT" });
    }
    return { path: `\\\\.\\pipe\\konnekt-${inputs.sid.toUpperCase()}`, privateDir: null, rule: "windowsPipe" };
  }
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime !== undefined && runtime.startsWith("/")) {
    const dir = join(runtime, "konnekt");
    return checked({ path: join(dir, "konnekt.sock"), privateDir: dir, rule: "xdgRuntime" }, inputs);
  }
  const tmp = env.TMPDIR !== undefined && env.TMPDIR !== "" ? env.TMPDIR.replace(/\/+$/, "") || "/" : "/tmp";
  return checked({ path: join(tmp, `CoreFxPipe_${pipeName(inputs.uid)}`), privateDir: null, rule: "tmpdir" }, inputs);
}

function checked(endpoint: Endpoint, inputs: EndpointInputs): Endpoint {
  if (inputs.platform === "win32") return endpoint;
  if (!endpoint.path.startsWith("/")) {
    throw new KonnektError("configInvalid", `The control endpoint must be an absolute socket path, got '${endpoint.path}'.`, { key: "KONNEKT_ENDPOINT" });
  }
  if (Buffer.byteLength(endpoint.path) > MAX_SOCKET_PATH_BYTES) {
    throw new KonnektError("configInvalid", `The control endpoint path is longer than ${MAX_SOCKET_PATH_BYTES} bytes: ${endpoint.path}`, {
      key: endpoint.rule === "env" ? "KONNEKT_ENDPOINT" : endpoint.rule === "xdgRuntime" ? "XDG_RUNTIME_DIR" : "TMPDIR",
    });
  }
  return endpoint;
}

/** The endpoint for this process's user and environment. */
export function defaultEndpoint(env: Record<string, string | undefined> = process.env): Endpoint {
  const uid = typeof process.getuid === "function" ? process.getuid() : 0;
  const needsSid = process.platform === "win32" && (env.KONNEKT_ENDPOINT === undefined || env.KONNEKT_ENDPOINT === "");
  return resolveEndpoint({ env, platform: process.platform, uid, ...(needsSid ? { sid: currentUserSid() } : {}) });
}
