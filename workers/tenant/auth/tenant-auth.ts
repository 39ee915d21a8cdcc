/**
 * Sign-in for one tenant: one MSAL public client (device code, interactive auth code + PKCE with a
 * loopback redirect) or one confidential client with a certificate (unattended, app-only), and a
 * token for any SharePoint origin of the tenant on demand.
 *
 * State: `signed-out` → `signed-in` → (revocation, claims challenge, expired refresh token) →
 * `needs-sign-in` with a reason. A failure here never throws past `getToken`: callers get
 * `notSignedIn`/`claimsChallenge` KonnektErrors and the state moves, so other tenants carry on.
 *
 * The token cache is encrypted at rest where the platform allows it (token-store.ts); on Windows
 * the WAM broker can take over sign-in when configured (broker.ts).
 */
import {
  ConfidentialClientApplication,
  InteractionRequiredAuthError,
  PublicClientApplication,
  type AccountInfo,
  type AuthenticationResult,
  type Configuration,
} from "@azure/msal-node";
import { EventEmitter } from "node:events";
import { KonnektError } from "../../errors.js";
import type { TokenProvider } from "../http.js";
import { nativeBroker, type BrokerInfo } from "./broker.js";
import { TokenCachePlugin, type TokenStoreInfo, type TokenStoreKind, type TokenStorePreference } from "./token-store.js";

export interface TenantAuthOptions {
  /** Short tenant name (the first level of the namespace). */
  tenant: string;
  /** Directory tenant id (GUID) or a verified domain. */
  tenantId: string;
  /** `https://login.microsoftonline.com` in production; the emulator's authority origin in tests. */
  authorityHost: string;
  clientId: string;
  /** Where this tenant's token cache lives (`$XDG_STATE_HOME/konnekt/<tenant>`). */
  stateDir: string;
  /** `auto` (default): DPAPI on Windows, the Secret Service on Linux, else a 0600 file; `file`: always the file. */
  tokenStore?: TokenStorePreference;
  /** Deadline of each call to the keyring or DPAPI (default 10 s). */
  tokenStoreTimeoutMs?: number;
  /** Sign in through the WAM broker where it exists (Windows); ignored elsewhere. Default off. */
  broker?: boolean;
}

export interface CertificateCredential {
  clientId: string;
  thumbprintSha256: string;
  privateKey: string;
  x5c?: string;
}

export type AuthStatus =
  | { state: "signed-out" }
  | { state: "signed-in"; mode: "user" | "app"; username?: string; displayName?: string; tokenStore: TokenStoreKind }
  | { state: "needs-sign-in"; reason: string; username?: string };

export interface DeviceCodePrompt {
  userCode: string;
  verificationUri: string;
  message: string;
  expiresInSeconds: number;
}

const MICROSOFT_HOSTS = /(^|\.)(microsoftonline\.com|microsoftonline\.us|chinacloudapi\.cn|microsoftonline\.de)$/i;
const OIDC_SCOPES = ["openid", "profile", "offline_access"];
/** A held token is reused until this long before it expires (MSAL itself renews 5 minutes early). */
const TOKEN_REUSE_MARGIN_MS = 5 * 60_000;

function held(r: AuthenticationResult): { token: string; expiresAt: number } {
  return { token: r.accessToken, expiresAt: r.expiresOn?.getTime() ?? 0 };
}

export class TenantAuth extends EventEmitter implements TokenProvider {
  private readonly cache: TokenCachePlugin;
  private readonly brokerState: ReturnType<typeof nativeBroker>;
  private readonly pca: PublicClientApplication;
  private cca?: ConfidentialClientApplication;
  private account?: AccountInfo;
  /**
   * Access tokens per resource, held until shortly before they expire: MSAL's silent path reads and
   * parses the persisted cache on every call, which is too slow for every HTTP request.
   */
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();
  private current: AuthStatus = { state: "signed-out" };

  constructor(private readonly opts: TenantAuthOptions) {
    super();
    this.cache = new TokenCachePlugin({ stateDir: opts.stateDir, tenant: opts.tenant, prefer: opts.tokenStore, timeoutMs: opts.tokenStoreTimeoutMs });
    this.brokerState = nativeBroker(opts.broker ?? false);
    const config = this.msalConfig(opts.clientId);
    this.pca = new PublicClientApplication(this.brokerState.plugin ? { ...config, broker: { nativeBrokerPlugin: this.brokerState.plugin } } : config);
  }

  status(): AuthStatus {
    return this.current;
  }

  /** Where the token cache is kept (DPAPI, Secret Service or a 0600 file) and why; chosen on first use. */
  tokenStore(): Promise<TokenStoreInfo> {
    return this.cache.ready();
  }

  /** The token store, once it has been chosen (the first sign-in or restore chooses it); for status lines. */
  tokenStoreInfo(): TokenStoreInfo | undefined {
    return this.cache.info();
  }

  /** Whether sign-in goes through the WAM broker, and why not. */
  broker(): BrokerInfo {
    return this.brokerState.info;
  }

  /** Restores a previous sign-in from the persisted cache (no network). */
  async restore(): Promise<boolean> {
    const store = await this.cache.ready();
    const accounts = await this.pca.getTokenCache().getAllAccounts();
    const acc = accounts.find((a) => a.tenantId === this.opts.tenantId) ?? accounts[0];
    if (!acc) return false;
    this.account = acc;
    this.setStatus({ state: "signed-in", mode: "user", username: acc.username, displayName: acc.name, tokenStore: store.kind });
    return true;
  }

  async signInWithDeviceCode(resource: string, onPrompt: (p: DeviceCodePrompt) => void, signal?: AbortSignal): Promise<AuthStatus> {
    // MSAL polls `request.cancel` between polls and writes it itself, so it must stay a plain field.
    const request = {
      scopes: [`${resource}/.default`, ...OIDC_SCOPES],
      deviceCodeCallback: (r: { userCode: string; verificationUri: string; message: string; expiresIn: number }) =>
        onPrompt({ userCode: r.userCode, verificationUri: r.verificationUri, message: r.message, expiresInSeconds: r.expiresIn }),
      cancel: false,
    };
    signal?.addEventListener("abort", () => (request.cancel = true), { once: true });
    const result = await this.guard(() => this.pca.acquireTokenByDeviceCode(request));
    return await this.acceptUserResult(result);
  }

  async signInInteractive(resource: string, openBrowser: (url: string) => Promise<void>): Promise<AuthStatus> {
    const result = await this.guard(() =>
      this.pca.acquireTokenInteractive({
        scopes: [`${resource}/.default`, ...OIDC_SCOPES],
        openBrowser,
        successTemplate: "<html><body><h1>Konnekt is signed in.</h1><p>You can close this window.</p></body></html>",
        errorTemplate: "<html><body><h1>Konnekt could not sign you in.</h1><p>{error}</p></body></html>",
      }),
    );
    return await this.acceptUserResult(result);
  }

  /** Unattended app-only access with a certificate (SharePoint refuses secret-based app-only tokens). */
  useCertificate(cred: CertificateCredential): AuthStatus {
    this.tokens.clear();
    this.cca = new ConfidentialClientApplication({
      ...this.msalConfig(cred.clientId),
      auth: {
        ...this.msalConfig(cred.clientId).auth,
        clientCertificate: { thumbprintSha256: cred.thumbprintSha256, privateKey: cred.privateKey, ...(cred.x5c ? { x5c: cred.x5c } : {}) },
      },
    });
    const known = this.cache.info();
    this.setStatus({ state: "signed-in", mode: "app", tokenStore: known?.kind ?? "file" });
    if (!known) {
      // The store is chosen on first use; the status follows as soon as it is known.
      void this.cache.ready().then((info) => {
        if (this.current.state === "signed-in" && this.current.mode === "app") this.setStatus({ ...this.current, tokenStore: info.kind });
      });
    }
    return this.current;
  }

  async signOut(): Promise<void> {
    this.tokens.clear();
    const cache = this.pca.getTokenCache();
    for (const acc of await cache.getAllAccounts()) await cache.removeAccount(acc);
    await this.cache.clear();
    this.account = undefined;
    this.cca = undefined;
    this.setStatus({ state: "signed-out" });
  }

  async getToken(resource: string, opts: { forceRefresh?: boolean; claims?: string; signal?: AbortSignal } = {}): Promise<string> {
    const held = this.tokens.get(resource);
    if (held && !opts.forceRefresh && !opts.claims && held.expiresAt - TOKEN_REUSE_MARGIN_MS > Date.now()) return held.token;
    this.tokens.delete(resource);
    const token = await this.acquire(resource, opts);
    this.tokens.set(resource, token);
    return token.token;
  }

  private async acquire(resource: string, opts: { forceRefresh?: boolean; claims?: string; signal?: AbortSignal }): Promise<{ token: string; expiresAt: number }> {
    const scopes = [`${resource}/.default`];
    if (this.cca) {
      const r = await this.guard(() => this.cca!.acquireTokenByClientCredential({ scopes, skipCache: opts.forceRefresh ?? false }));
      if (!r) throw new KonnektError("notSignedIn", `Tenant ${this.opts.tenant}: the app could not get a token.`, { tenant: this.opts.tenant });
      return held(r);
    }
    if (this.current.state === "needs-sign-in") {
      throw new KonnektError("notSignedIn", `Tenant ${this.opts.tenant} needs a new sign-in: ${this.current.reason}`, { tenant: this.opts.tenant });
    }
    if (!this.account && !(await this.restore())) {
      throw new KonnektError("notSignedIn", `Tenant ${this.opts.tenant} is not signed in.`, { tenant: this.opts.tenant });
    }
    try {
      const r = await this.pca.acquireTokenSilent({
        account: this.account!,
        scopes,
        forceRefresh: opts.forceRefresh ?? false,
        ...(opts.claims ? { claims: opts.claims } : {}),
      });
      return held(r);
    } catch (err) {
      if (err instanceof InteractionRequiredAuthError) {
        const reason = opts.claims ? "conditional access asks for a new sign-in" : "the sign-in has expired or was revoked";
        this.setStatus({ state: "needs-sign-in", reason, username: this.account?.username });
        throw new KonnektError(opts.claims ? "claimsChallenge" : "notSignedIn", `Tenant ${this.opts.tenant} needs a new sign-in: ${reason}.`, {
          tenant: this.opts.tenant,
        });
      }
      throw this.mapMsalError(err);
    }
  }

  private async acceptUserResult(result: AuthenticationResult | null): Promise<AuthStatus> {
    if (!result?.account) throw new KonnektError("notSignedIn", `Tenant ${this.opts.tenant}: sign-in returned no account.`);
    this.account = result.account;
    this.tokens.clear();
    const store = await this.cache.ready();
    this.setStatus({
      state: "signed-in",
      mode: "user",
      username: result.account.username,
      displayName: result.account.name,
      tokenStore: store.kind,
    });
    return this.current;
  }

  private setStatus(s: AuthStatus): void {
    const changed = JSON.stringify(s) !== JSON.stringify(this.current);
    this.current = s;
    if (changed) this.emit("status", s);
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.mapMsalError(err);
    }
  }

  private mapMsalError(err: unknown): KonnektError {
    if (err instanceof KonnektError) return err;
    const e = err as { errorCode?: string; errorMessage?: string; message?: string };
    const code = e.errorCode ?? "";
    const text = (e.errorMessage ?? e.message ?? String(err)).split("\n")[0]!;
    if (/cancel/i.test(code) || /user_cancelled|device_code_polling_cancelled/i.test(code)) {
      return new KonnektError("cancelled", `Sign-in to ${this.opts.tenant} was cancelled.`);
    }
    if (/network|ENOTFOUND|ECONNREFUSED|fetch failed/i.test(`${code} ${text}`)) {
      return new KonnektError("offline", `Tenant ${this.opts.tenant}: the sign-in service cannot be reached (${text}).`);
    }
    if (err instanceof InteractionRequiredAuthError || /expired_token|authorization_declined|invalid_grant/i.test(code)) {
      return new KonnektError("notSignedIn", `Tenant ${this.opts.tenant}: sign-in failed (${code || text}).`, { tenant: this.opts.tenant });
    }
    return new KonnektError("notSignedIn", `Tenant ${this.opts.tenant}: sign-in failed: ${text}`, { tenant: this.opts.tenant, serviceCode: code });
  }

  private msalConfig(clientId: string): Configuration {
    const authority = `${this.opts.authorityHost.replace(/\/$/, "")}/${this.opts.tenantId}`;
    const host = new URL(this.opts.authorityHost).host;
    return {
      auth: {
        clientId,
        authority,
        // A non-Microsoft host (the emulator) is declared known, so MSAL never calls
        // login.microsoftonline.com for instance discovery (spo-protocol.md B.2).
        ...(MICROSOFT_HOSTS.test(new URL(this.opts.authorityHost).hostname) ? {} : { knownAuthorities: [host] }),
      },
      cache: { cachePlugin: this.cache },
    };
  }
}
