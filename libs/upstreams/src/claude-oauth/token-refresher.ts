import { createHash, randomBytes } from 'node:crypto';
import { hotKeys, type AccountCredentials, type ProxyEvent, type SecretBox, type SnapshotAccount } from '@relay/core';
import type { HotStore } from '@relay/hot-store';
import { request, type Dispatcher } from 'undici';

/** Claude Code's public OAuth client id (the one the subscription tokens are issued to). */
export const CLAUDE_OAUTH_CLIENT_ID = '9d1c250a-e61b-44d9-88ed-5944d1962f5e';
export const DEFAULT_TOKEN_URL = 'https://console.anthropic.com/v1/oauth/token';
/** Refresh this long before expiry so no request goes out with a token about to die. */
export const REFRESH_AHEAD_MS = 5 * 60_000;
const LOCK_TTL_MS = 30_000;
const WAIT_FOR_PEER_MS = 10_000;
/** How long a refused refresh is remembered, so no proxy retries the same dead refresh token meanwhile. */
const FAILED_MARK_TTL_MS = 3600_000;

type OAuthCredentials = Extract<AccountCredentials, { kind: 'oauth' }>;

/** Where refreshed credentials are shared between proxies until the snapshot carries them. */
export function sharedCredentialsKey(accountId: string): string {
  return `{a:${accountId}}:oauth`;
}

/** Set (to a hash of the rejected access token) once refreshing it failed: other proxies stop there. */
export function refreshFailedKey(accountId: string): string {
  return `{a:${accountId}}:oauth-failed`;
}

const tokenTag = (accessToken: string) => createHash('sha256').update(accessToken).digest('hex').slice(0, 32);

/**
 * Refreshes Claude OAuth tokens ahead of expiry, once across all proxies: the proxy holding the
 * `accountRefreshLock` calls the token endpoint, shares the result (encrypted) in the hot store,
 * and reports it as an `account.credentials` ProxyEvent for the control plane to persist. Other
 * requests in this process wait on the same promise; other proxies pick up the shared result.
 */
export class OAuthTokenRefresher {
  /** accountId → refreshed credentials and the snapshot ciphertext they supersede. */
  private readonly refreshed = new Map<string, { source: string; creds: OAuthCredentials }>();
  private readonly inflight = new Map<string, Promise<AccountCredentials>>();
  /** `<accountId>:<hash of the rejected token>` → the refresh after that 401. */
  private readonly rejectedInflight = new Map<string, Promise<AccountCredentials | null>>();

  constructor(private readonly store: HotStore, private readonly box: SecretBox, private readonly defaultTokenUrl = DEFAULT_TOKEN_URL) {}

  /** The credentials to use now, refreshed first when they expire within five minutes. */
  async credentials(account: SnapshotAccount, fromSnapshot: AccountCredentials, dispatcher?: Dispatcher): Promise<AccountCredentials> {
    const r = this.refreshed.get(account.id);
    const c = r && r.source === account.credentials ? r.creds : fromSnapshot;
    if (c.kind !== 'oauth' || !c.refreshToken || c.expiresAt === null || c.expiresAt - Date.now() > REFRESH_AHEAD_MS) return c;
    let p = this.inflight.get(account.id);
    if (!p) {
      p = this.refresh(account, c, dispatcher).finally(() => this.inflight.delete(account.id));
      this.inflight.set(account.id, p);
    }
    return p;
  }

  /**
   * The upstream answered 401 to `rejected`: refresh once, whatever its expiry says, and return the
   * new credentials to retry with — or null when there is nothing to retry with (no refresh token,
   * or the refresh failed). Single-flight: one promise per process, and across proxies the
   * `accountRefreshLock`; a proxy that finds another's result (shared key) or failure mark (a hash
   * of the rejected token) uses it without calling the token endpoint. The one proxy whose refresh
   * fails reports the account ERROR on the proxy-event stream (the control plane persists it and
   * alerts `account.error` once) and leaves the mark, so no other proxy repeats the refresh.
   */
  async refreshRejected(account: SnapshotAccount, rejected: AccountCredentials, dispatcher?: Dispatcher): Promise<AccountCredentials | null> {
    if (rejected.kind !== 'oauth' || !rejected.refreshToken) return null;
    const key = `${account.id}:${tokenTag(rejected.accessToken)}`;
    let p = this.rejectedInflight.get(key);
    if (!p) {
      p = this.refreshAfterRejection(account, rejected, dispatcher).finally(() => this.rejectedInflight.delete(key));
      this.rejectedInflight.set(key, p);
    }
    return p;
  }

  private async refreshAfterRejection(account: SnapshotAccount, rejected: OAuthCredentials, dispatcher?: Dispatcher): Promise<AccountCredentials | null> {
    const tag = tokenTag(rejected.accessToken);
    const settled = async (): Promise<AccountCredentials | null | undefined> => {
      const shared = await this.sharedOther(account, rejected);
      if (shared) return shared;
      if ((await this.store.get(refreshFailedKey(account.id))) === tag) return null;
      return undefined;
    };
    const known = await settled();
    if (known !== undefined) return known;
    const lock = hotKeys.accountRefreshLock(account.id);
    const owner = randomBytes(8).toString('hex');
    const deadline = Date.now() + WAIT_FOR_PEER_MS;
    while (!(await this.store.setIfAbsent(lock, owner, LOCK_TTL_MS))) {
      // Another proxy (or the control plane) is refreshing: wait for its result or its failure.
      if (Date.now() > deadline) return null;
      await new Promise((r) => setTimeout(r, 50));
      const got = await settled();
      if (got !== undefined) return got;
    }
    try {
      const after = await settled();
      if (after !== undefined) return after;
      let creds: OAuthCredentials;
      try {
        creds = await this.callTokenEndpoint(account, rejected, dispatcher);
      } catch (e) {
        await this.store.set(refreshFailedKey(account.id), tag, FAILED_MARK_TTL_MS);
        const ev: ProxyEvent = { type: 'account.status', accountId: account.id, status: 'ERROR', reason: `OAuth refresh after an upstream 401 failed: ${(e as Error).message}`.slice(0, 500), at: Date.now(), cause: 'oauth-refresh' };
        await this.store.streamAdd(hotKeys.proxyEventStream, JSON.stringify(ev));
        return null;
      }
      await this.share(account, creds);
      return creds;
    } finally {
      await this.store.delIfEquals(lock, owner).catch(() => undefined);
    }
  }

  /** Shared credentials whose access token is not the one the upstream rejected. */
  private async sharedOther(account: SnapshotAccount, rejected: OAuthCredentials): Promise<OAuthCredentials | null> {
    const v = await this.store.get(sharedCredentialsKey(account.id));
    if (!v) return null;
    const creds = this.box.decryptJson<OAuthCredentials>(v);
    if (creds.accessToken === rejected.accessToken) return null;
    this.refreshed.set(account.id, { source: account.credentials, creds });
    return creds;
  }

  /** Shares new credentials with the other proxies and reports them for the control plane to persist. */
  private async share(account: SnapshotAccount, creds: OAuthCredentials): Promise<void> {
    const box = this.box.encryptJson(creds);
    await this.store.set(sharedCredentialsKey(account.id), box, Math.max(1000, (creds.expiresAt ?? Date.now() + 3600_000) - Date.now()));
    const ev: ProxyEvent = { type: 'account.credentials', accountId: account.id, credentials: box, at: Date.now() };
    await this.store.streamAdd(hotKeys.proxyEventStream, JSON.stringify(ev));
    this.refreshed.set(account.id, { source: account.credentials, creds });
  }

  private async refresh(account: SnapshotAccount, current: OAuthCredentials, dispatcher?: Dispatcher): Promise<AccountCredentials> {
    const peer = await this.sharedFresh(account);
    if (peer) return peer;
    const lock = hotKeys.accountRefreshLock(account.id);
    const owner = randomBytes(8).toString('hex');
    if (await this.store.setIfAbsent(lock, owner, LOCK_TTL_MS)) {
      try {
        const creds = await this.callTokenEndpoint(account, current, dispatcher);
        await this.share(account, creds);
        return creds;
      } catch (e) {
        // A token that is merely close to expiry still works; an expired one is an account failure.
        if (current.expiresAt !== null && current.expiresAt > Date.now()) return current;
        throw e;
      } finally {
        await this.store.delIfEquals(lock, owner).catch(() => undefined);
      }
    }
    if (current.expiresAt !== null && current.expiresAt > Date.now()) return current;
    const deadline = Date.now() + WAIT_FOR_PEER_MS;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      const got = await this.sharedFresh(account);
      if (got) return got;
    }
    throw new Error(`OAuth refresh of account ${account.id} by another proxy did not finish`);
  }

  private async sharedFresh(account: SnapshotAccount): Promise<OAuthCredentials | null> {
    const v = await this.store.get(sharedCredentialsKey(account.id));
    if (!v) return null;
    const creds = this.box.decryptJson<OAuthCredentials>(v);
    if (creds.expiresAt !== null && creds.expiresAt - Date.now() <= REFRESH_AHEAD_MS) return null;
    this.refreshed.set(account.id, { source: account.credentials, creds });
    return creds;
  }

  /** Through the account's egress proxy when it has one (`dispatcher`), like its traffic. */
  private async callTokenEndpoint(account: SnapshotAccount, current: OAuthCredentials, dispatcher?: Dispatcher): Promise<OAuthCredentials> {
    const url = account.settings.tokenUrl ?? this.defaultTokenUrl;
    const res = await request(url, {
      method: 'POST',
      dispatcher,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: current.refreshToken, client_id: account.settings.clientId ?? CLAUDE_OAUTH_CLIENT_ID }),
      headersTimeout: 15_000,
      bodyTimeout: 15_000,
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`OAuth token endpoint answered ${res.statusCode}`);
    const t = JSON.parse(text) as { access_token: string; refresh_token?: string; expires_in?: number; scope?: string };
    if (!t.access_token) throw new Error('OAuth token endpoint returned no access_token');
    return {
      kind: 'oauth',
      accessToken: t.access_token,
      refreshToken: t.refresh_token ?? current.refreshToken,
      expiresAt: Date.now() + (t.expires_in ?? 3600) * 1000,
      scopes: t.scope ? t.scope.split(' ') : current.scopes,
    };
  }
}
