import { randomBytes } from 'node:crypto';
import { hotKeys, type AccountCredentials, type ProxyEvent, type SecretBox, type SnapshotAccount } from '@relay/core';
import type { HotStore } from '@relay/hot-store';
import { request } from 'undici';

/** Claude Code's public OAuth client id (the one the subscription tokens are issued to). */
export const CLAUDE_OAUTH_CLIENT_ID = '9d1c250a-e61b-44d9-88ed-5944d1962f5e';
export const DEFAULT_TOKEN_URL = 'https://console.anthropic.com/v1/oauth/token';
/** Refresh this long before expiry so no request goes out with a token about to die. */
export const REFRESH_AHEAD_MS = 5 * 60_000;
const LOCK_TTL_MS = 30_000;
const WAIT_FOR_PEER_MS = 10_000;

type OAuthCredentials = Extract<AccountCredentials, { kind: 'oauth' }>;

/** Where refreshed credentials are shared between proxies until the snapshot carries them. */
export function sharedCredentialsKey(accountId: string): string {
  return `{a:${accountId}}:oauth`;
}

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

  constructor(private readonly store: HotStore, private readonly box: SecretBox, private readonly defaultTokenUrl = DEFAULT_TOKEN_URL) {}

  /** The credentials to use now, refreshed first when they expire within five minutes. */
  async credentials(account: SnapshotAccount, fromSnapshot: AccountCredentials): Promise<AccountCredentials> {
    const r = this.refreshed.get(account.id);
    const c = r && r.source === account.credentials ? r.creds : fromSnapshot;
    if (c.kind !== 'oauth' || !c.refreshToken || c.expiresAt === null || c.expiresAt - Date.now() > REFRESH_AHEAD_MS) return c;
    let p = this.inflight.get(account.id);
    if (!p) {
      p = this.refresh(account, c).finally(() => this.inflight.delete(account.id));
      this.inflight.set(account.id, p);
    }
    return p;
  }

  private async refresh(account: SnapshotAccount, current: OAuthCredentials): Promise<AccountCredentials> {
    const peer = await this.sharedFresh(account);
    if (peer) return peer;
    const lock = hotKeys.accountRefreshLock(account.id);
    const owner = randomBytes(8).toString('hex');
    if (await this.store.setIfAbsent(lock, owner, LOCK_TTL_MS)) {
      try {
        const creds = await this.callTokenEndpoint(account, current);
        const box = this.box.encryptJson(creds);
        await this.store.set(sharedCredentialsKey(account.id), box, Math.max(1000, (creds.expiresAt ?? Date.now() + 3600_000) - Date.now()));
        const ev: ProxyEvent = { type: 'account.credentials', accountId: account.id, credentials: box, at: Date.now() };
        await this.store.streamAdd(hotKeys.proxyEventStream, JSON.stringify(ev));
        this.refreshed.set(account.id, { source: account.credentials, creds });
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

  private async callTokenEndpoint(account: SnapshotAccount, current: OAuthCredentials): Promise<OAuthCredentials> {
    const url = account.settings.tokenUrl ?? this.defaultTokenUrl;
    const res = await request(url, {
      method: 'POST',
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
