/** What the Entra modules share: configuration, directory, apps and the token service. */
import type { EmuRequest, EmulatorConfig } from "../http/types.js";
import type { TenantRecord } from "../store/types.js";
import type { AppRegistry } from "./apps.js";
import type { Directory } from "./directory.js";
import type { EntraTokenService } from "./token-service.js";

export interface EntraContext {
  config: EmulatorConfig;
  directory: Directory;
  apps: AppRegistry;
  tokens: EntraTokenService;
  clientId: string;
  /** Test mode: the authorize endpoint signs this user in at once (UPN or short name). */
  testAutoApproveUser(): string | undefined;
  authorityOrigin(): string;
  tenantByOrigin: (origin: string) => TenantRecord | undefined;
}

/** Form parameters of an Entra POST; like Entra, a body of another type carries no parameters. */
export async function formParams(req: EmuRequest): Promise<URLSearchParams> {
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  const body = await req.body();
  if (!type.startsWith("application/x-www-form-urlencoded")) return new URLSearchParams();
  return new URLSearchParams(body.toString("utf8"));
}
