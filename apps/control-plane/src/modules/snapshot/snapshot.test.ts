import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Account, ApiKey, UsageDaily, User } from '@relay/db';
import { dayKey, hotChannels, hotKeys, SecretBox, type ConfigSnapshot } from '@relay/core';
import { snapshotKeys } from '@relay/hot-store';
import { createLogger } from '@relay/core/logger';
import { startTestControlPlane, type TestControlPlane, controlPlaneBackends } from '@relay/testkit';
import { SnapshotPublisher } from './snapshot.publisher.ts';

async function snapshot(cp: TestControlPlane): Promise<ConfigSnapshot> {
  const s = await cp.store.getSnapshot();
  return JSON.parse(s!.json) as ConfigSnapshot;
}

describe.each(controlPlaneBackends())('config snapshot ($name)', ({ opts }) => {
  let cp: TestControlPlane;
  let userId: string;
  beforeAll(async () => {
    cp = await startTestControlPlane(opts);
    const r = await cp.gql<{ createUser: { id: string } }>('mutation { createUser(input: { username: "sam", password: "sam-password-1" }) { id } }', {}, cp.adminToken);
    userId = r.data!.createUser.id;
  });
  afterAll(async () => cp?.close());

  it('is published at boot with users, keys by hash, accounts (still encrypted) and prices', async () => {
    const em = cp.orm.em.fork();
    const box = SecretBox.fromKey(cp.controlPlane.services.secrets.encryptionKey);
    const account = em.create(Account, { name: 'main', platform: 'claude-console', credentials: box.encryptJson({ kind: 'api-key', apiKey: 'sk-ant-secret-1234' }), credentialHint: '••••1234' });
    const key = em.create(ApiKey, { user: em.getReference(User, Number(userId)), name: 'k', keyHash: 'a'.repeat(64), keyPrefix: 'sk-relay-abcd', dailyCostLimit: 5_000_000 });
    await em.flush();
    expect(await cp.controlPlane.services.snapshots.requestRebuild()).toBeGreaterThan(0);

    const s = await snapshot(cp);
    expect(s.version).toBe(await cp.store.getSnapshotVersion());
    expect(s.users[userId]).toMatchObject({ username: 'sam', status: 'ACTIVE', priceRate: 10_000 });
    expect(s.keys['a'.repeat(64)]).toMatchObject({ id: String(key.id), userId, dailyCostLimit: 5_000_000, enabled: true });
    const acc = s.accounts.find((a) => a.id === String(account.id))!;
    expect(acc.credentials).toBe(account.credentials);
    expect(JSON.stringify(s)).not.toContain('sk-ant-secret-1234');
    expect(s.prices.length).toBeGreaterThan(5);
    expect(s.prices.find((p) => p.model === 'claude-sonnet-4-20250514')).toBeTruthy();
  });

  it('carries today\'s recorded spend of keys with a daily limit (the floor of their daily budget), and refreshes it after usage', async () => {
    const em = cp.orm.em.fork();
    const user = em.getReference(User, Number(userId));
    const limited = em.create(ApiKey, { user, name: 'daily', keyHash: 'd'.repeat(64), keyPrefix: 'sk-relay-dddd', dailyCostLimit: 1_000_000 });
    em.create(ApiKey, { user, name: 'free', keyHash: 'f'.repeat(64), keyPrefix: 'sk-relay-ffff' });
    await em.flush();
    const today = dayKey(Date.now(), 'UTC');
    em.create(UsageDaily, { day: today, userId: Number(userId), apiKeyId: limited.id, model: 'a', cost: 400_000 });
    em.create(UsageDaily, { day: today, userId: Number(userId), apiKeyId: limited.id, model: 'b', cost: 250_000 });
    em.create(UsageDaily, { day: '2000-01-01', userId: Number(userId), apiKeyId: limited.id, model: 'a', cost: 999_999 });
    await em.flush();
    await cp.controlPlane.services.snapshots.requestRebuild();
    let s = await snapshot(cp);
    expect(s.keys['d'.repeat(64)].costToday).toEqual({ day: today, amount: 650_000 });
    expect(s.keys['f'.repeat(64)]).not.toHaveProperty('costToday');

    // Usage recorded afterwards (the ingester moves lastUsedAt): the floor refresh republishes.
    const publisher = new SnapshotPublisher(cp.orm, cp.store, createLogger({ name: 'test', level: 'silent' }), 'UTC');
    const published = await publisher.requestRebuild();
    expect(published).toBeGreaterThan(0);
    const row = await em.findOneOrFail(UsageDaily, { apiKeyId: limited.id, model: 'a', day: today });
    row.cost = 900_000;
    limited.lastUsedAt = new Date(Date.now() + 1000);
    limited.costUsed = 1_150_000;
    await em.flush();
    const announced = new Promise<void>((resolve) => {
      void cp.store.subscribe(hotChannels.snapshotChanged, (v) => {
        if (Number(v) > published) resolve();
      });
    });
    publisher.startFloorRefresh(20);
    await announced;
    await publisher.close();
    s = await snapshot(cp);
    expect(s.keys['d'.repeat(64)]).toMatchObject({ costToday: { day: today, amount: 1_150_000 }, costUsed: 1_150_000 });
  });

  it('disabling a user is in the store and announced by the time the mutation returns', async () => {
    const versions: string[] = [];
    const unsubscribe = await cp.store.subscribe(hotChannels.snapshotChanged, (v) => versions.push(v));
    const before = await cp.store.getSnapshotVersion();
    const r = await cp.gql('mutation($id: ID!) { updateUser(id: $id, input: { status: DISABLED, priceRate: "1.5" }) { status } }', { id: userId }, cp.adminToken);
    expect(r.errors).toBeUndefined();
    const s = await snapshot(cp);
    expect(s.version).toBeGreaterThan(before);
    expect(s.users[userId]).toMatchObject({ status: 'DISABLED', priceRate: 15_000 });
    await expect.poll(() => versions.map(Number)).toContain(s.version);
    await unsubscribe();
  });

  // Only Redis can lose the snapshot under a running control plane (a restart without persistence).
  it.runIf(!!opts.redisUrl)('republishes when the hot store lost the snapshot (Redis restarted empty)', async () => {
    const publisher = new SnapshotPublisher(cp.orm, cp.store, createLogger({ name: 'test', level: 'silent' }), 'UTC');
    expect(await publisher.requestRebuild()).toBeGreaterThan(0);
    for (const key of [snapshotKeys.json, snapshotKeys.version, snapshotKeys.sequence]) await cp.store.del(key);
    expect(await cp.store.getSnapshot()).toBeNull();
    const announced = new Promise<string>((resolve) => {
      void cp.store.subscribe(hotChannels.snapshotChanged, resolve);
    });
    publisher.startWatchdog(20);
    const version = Number(await announced);
    await publisher.close();
    const s = await snapshot(cp);
    expect(s.version).toBe(version);
    expect(s.users[userId]).toMatchObject({ username: 'sam' });
  });

  it('coalesces bursts: concurrent requests share rebuilds and all see their change', async () => {
    const publisher = cp.controlPlane.services.snapshots;
    const before = await cp.store.getSnapshotVersion();
    const results = await Promise.all(Array.from({ length: 10 }, () => publisher.requestRebuild()));
    const after = await cp.store.getSnapshotVersion();
    expect(after - before).toBeLessThanOrEqual(2);
    for (const v of results) expect(v).toBeGreaterThan(before);
  });

  it('notifies graphql-ws subscribers of new versions (admins only)', async () => {
    const client = createClient({ url: `${cp.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${cp.adminToken}` }, lazy: false });
    const received: number[] = [];
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe<{ configVersionChanged: number }>({ query: 'subscription { configVersionChanged }' }, {
        next: (m) => {
          if (m.errors) reject(new Error(JSON.stringify(m.errors)));
          received.push(m.data!.configVersionChanged);
          resolve();
        },
        error: reject,
        complete: () => undefined,
      });
    });
    // The subscription is live once the server has subscribed to the channel; republish until seen.
    let version = 0;
    await expect.poll(async () => {
      version = (await cp.gql<{ republishConfig: number }>('mutation { republishConfig }', {}, cp.adminToken)).data!.republishConfig;
      return received.length;
    }, { interval: 50, timeout: 5000 }).toBeGreaterThan(0);
    await done;
    expect(received[0]).toBeGreaterThan(0);
    expect(received[0]).toBeLessThanOrEqual(version);
    await client.dispose();

    const userToken = (await cp.gql<{ login: { token: string } }>('mutation { login(username: "admin", password: "wrong-pass") { token } }')).data;
    expect(userToken).toBeNull();
    const anon = createClient({ url: `${cp.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket });
    const refused = await new Promise<unknown>((resolve) => {
      anon.subscribe({ query: 'subscription { configVersionChanged }' }, { next: (m) => resolve(m.errors), error: resolve, complete: () => resolve('complete') });
    });
    expect(JSON.stringify(refused)).toContain('UNAUTHENTICATED');
    await anon.dispose();
  });

  it('persists proxy events (account status, refreshed credentials) and republishes', async () => {
    const em = cp.orm.em.fork();
    const box = SecretBox.fromKey(cp.controlPlane.services.secrets.encryptionKey);
    const account = em.create(Account, { name: 'flaky', platform: 'claude-oauth', credentials: box.encryptJson({ kind: 'oauth', accessToken: 'old', refreshToken: 'r', expiresAt: 1 }), credentialHint: '••••0ld1' });
    await em.flush();
    await cp.controlPlane.services.snapshots.requestRebuild();
    const fresh = box.encryptJson({ kind: 'oauth', accessToken: 'new', refreshToken: 'r2', expiresAt: Date.now() + 3_600_000 });
    const at = Date.now() + 1000;
    await cp.store.streamAdd(hotKeys.proxyEventStream, JSON.stringify({ type: 'account.status', accountId: String(account.id), status: 'ERROR', reason: '401 three times', at }));
    await cp.store.streamAdd(hotKeys.proxyEventStream, JSON.stringify({ type: 'account.credentials', accountId: String(account.id), credentials: fresh, at }));
    await cp.store.streamAdd(hotKeys.proxyEventStream, 'not json');

    await expect.poll(async () => {
      const s = await snapshot(cp);
      const a = s.accounts.find((x) => x.id === String(account.id));
      return a && [a.status, a.credentials === fresh];
    }, { timeout: 5000 }).toEqual(['ERROR', true]);
    const row = await cp.orm.em.fork().findOneOrFail(Account, { id: account.id });
    expect([row.status, row.statusReason, row.credentials]).toEqual(['ERROR', '401 three times', fresh]);
  });
});
