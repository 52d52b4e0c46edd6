import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { testDatabaseUrl, uniqueSuffix } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessToken,
  Account,
  ApiKey,
  AuditLog,
  ModelPrice,
  OAuthSession,
  RequestLog,
  Session,
  Setting,
  UsageDaily,
  User,
} from './entities/index.ts';
import { createOrm, isMysql, upgradeSchema, type RelayOrm } from './orm.ts';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.ts';
import { seedModelPrices } from './seed.ts';
import { catalogModelPrices } from './price-catalog.ts';

const MAX_SAFE = Number.MAX_SAFE_INTEGER; // 9007199254740991
const rootUrl = testDatabaseUrl();

/** The same behaviour is asserted on the embedded SQLite and, when available, on MariaDB. */
function dbSuite(kind: 'sqlite' | 'mysql'): void {
  describe.runIf(kind === 'sqlite' || rootUrl)(`@relay/db on ${kind}`, () => {
    let orm: RelayOrm;
    let tempDir: string | undefined;
    let scratch: ScratchDatabase | undefined;

    beforeAll(async () => {
      if (kind === 'sqlite') {
        tempDir = mkdtempSync(join(tmpdir(), 'relay-db-'));
        orm = await createOrm({ sqlitePath: join(tempDir, 'nested', 'relay.db') });
      } else {
        scratch = await createScratchDatabase(rootUrl!, `relay_test_${uniqueSuffix()}`);
        orm = await createOrm({ databaseUrl: scratch.url });
      }
      await upgradeSchema(orm);
    });

    afterAll(async () => {
      await orm?.close(true);
      await scratch?.drop();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    });

    let n = 0;
    const name = (p: string) => `${p}-${++n}`;

    async function newUser(username = name('user')): Promise<User> {
      const em = orm.em.fork();
      const user = em.create(User, { username, passwordHash: 'scrypt$16384$8$1$salt$hash' });
      await em.flush();
      return user;
    }

    it('upgrades an empty database to the entity schema, and a second upgrade changes nothing', async () => {
      expect(isMysql(orm)).toBe(kind === 'mysql');
      const user = await newUser();
      await upgradeSchema(orm);
      expect(await orm.getSchemaGenerator().getUpdateSchemaSQL({ safe: true })).toBe('');
      if (kind === 'mysql') expect(await orm.getMigrator().getPendingMigrations()).toEqual([]);
      const found = await orm.em.fork().findOne(User, { id: user.id });
      expect(found?.username).toBe(user.username);
    });

    it('stores and reads back every entity', async () => {
      const user = await newUser();
      const at = new Date('2025-03-04T05:06:07.890Z');
      const em = orm.em.fork();
      const u = em.getReference(User, user.id);
      em.create(Account, { name: 'acc', platform: 'openai', credentials: 'v1:cipher', credentialHint: '••••abcd', createdAt: at, updatedAt: at });
      em.create(ApiKey, { user: u, name: 'k', keyHash: 'a'.repeat(64), keyPrefix: 'sk-relay-abcd', createdAt: at, updatedAt: at });
      em.create(ModelPrice, { model: name('m'), platform: 'gemini', input: 1, output: 2, cacheWrite: 3, cacheRead: 4, updatedAt: at });
      em.create(RequestLog, { requestId: name('req'), userId: user.id, apiKeyId: 1, model: 'gpt-4o', upstreamModel: 'gpt-4o', endpoint: '/v1/chat/completions', stream: true, status: 200, createdAt: at, finishedAt: at });
      em.create(UsageDaily, { day: '2025-03-04', userId: user.id, apiKeyId: 1, model: 'gpt-4o', requests: 2 });
      em.create(AuditLog, { actorName: 'admin', action: 'user.update', targetType: 'User', targetId: String(user.id), createdAt: at });
      em.create(Session, { user: u, tokenHash: 'b'.repeat(64), expiresAt: at, lastSeenAt: at, createdAt: at });
      em.create(AccessToken, { user: u, name: 'ci', tokenHash: 'c'.repeat(64), tokenPrefix: 'rat_abcd', createdAt: at });
      em.create(OAuthSession, { id: name('oauth'), kind: 'oauth', codeVerifier: 'v1:cipher', state: 'st', redirectUri: 'https://x/cb', scope: 'user:inference', createdBy: user.id, expiresAt: at, createdAt: at });
      em.create(Setting, { key: name('setting'), value: { done: true } });
      await em.flush();

      const read = orm.em.fork();
      const account = await read.findOneOrFail(Account, { name: 'acc' });
      expect(account).toMatchObject({ platform: 'openai', priority: 50, schedulable: true, status: 'ACTIVE', baseUrl: null, modelMapping: {} });
      expect(account.createdAt.toISOString()).toBe(at.toISOString());
      const key = await read.findOneOrFail(ApiKey, { keyHash: 'a'.repeat(64) }, { populate: ['user'] });
      expect(key).toMatchObject({ enabled: true, requestCount: 0, tokensUsed: 0, costUsed: 0, allowedModels: null });
      expect(key.user.username).toBe(user.username);
      expect(await read.findOneOrFail(RequestLog, { userId: user.id })).toMatchObject({ stream: true, status: 200, totalCost: 0, attempts: 1, priceRate: '1.0000' });
      expect(await read.findOneOrFail(UsageDaily, { userId: user.id })).toMatchObject({ day: '2025-03-04', requests: 2, cost: 0 });
      expect(await read.findOneOrFail(AuditLog, { targetId: String(user.id) })).toMatchObject({ action: 'user.update', actorId: null });
      expect((await read.findOneOrFail(Session, { tokenHash: 'b'.repeat(64) })).expiresAt.getTime()).toBe(at.getTime());
      expect(await read.findOneOrFail(AccessToken, { tokenHash: 'c'.repeat(64) })).toMatchObject({ name: 'ci', revokedAt: null });
      expect(await read.count(OAuthSession, { createdBy: user.id })).toBe(1);
      expect(await read.count(ModelPrice, { platform: 'gemini' })).toBeGreaterThan(0);
      expect(await read.count(Setting, {})).toBeGreaterThan(0);
      expect((await read.findOneOrFail(User, { id: user.id })).priceRate).toBe('1.0000');
    });

    it('refuses a duplicate username', async () => {
      const username = name('dup');
      await newUser(username);
      await expect(newUser(username)).rejects.toBeInstanceOf(UniqueConstraintViolationException);
    });

    it('refuses a second request log with the same requestId', async () => {
      const requestId = name('same-req');
      const row = { requestId, userId: 1, apiKeyId: 1, model: 'm', upstreamModel: 'm', endpoint: '/e', stream: false, status: 200 };
      const em = orm.em.fork();
      em.create(RequestLog, row);
      await em.flush();
      const em2 = orm.em.fork();
      em2.create(RequestLog, row);
      await expect(em2.flush()).rejects.toBeInstanceOf(UniqueConstraintViolationException);
    });

    it('keeps money columns exact up to Number.MAX_SAFE_INTEGER', async () => {
      const user = await newUser();
      const em = orm.em.fork();
      const key = em.create(ApiKey, { user: em.getReference(User, user.id), name: 'big', keyHash: 'd'.repeat(64), keyPrefix: 'p', costUsed: MAX_SAFE, totalCostLimit: MAX_SAFE, tokensUsed: MAX_SAFE });
      const log = em.create(RequestLog, { requestId: name('money'), userId: user.id, apiKeyId: 1, model: 'm', upstreamModel: 'm', endpoint: '/e', stream: false, status: 200, totalCost: MAX_SAFE, baseCost: MAX_SAFE - 1, priceInput: MAX_SAFE });
      const price = em.create(ModelPrice, { model: name('money-model'), platform: null, input: MAX_SAFE, output: MAX_SAFE, cacheWrite: 0, cacheRead: 1 });
      await em.flush();

      const read = orm.em.fork();
      expect(await read.findOneOrFail(ApiKey, key.id)).toMatchObject({ costUsed: MAX_SAFE, totalCostLimit: MAX_SAFE, tokensUsed: MAX_SAFE });
      expect(await read.findOneOrFail(RequestLog, log.id)).toMatchObject({ totalCost: MAX_SAFE, baseCost: MAX_SAFE - 1, priceInput: MAX_SAFE });
      const p = await read.findOneOrFail(ModelPrice, price.id);
      expect(typeof p.input).toBe('number');
      expect(p).toMatchObject({ input: MAX_SAFE, output: MAX_SAFE, cacheWrite: 0, cacheRead: 1 });
    });

    it('round-trips a price rate of 1.2345 as the string "1.2345"', async () => {
      const user = await newUser();
      const em = orm.em.fork();
      const u = await em.findOneOrFail(User, user.id);
      u.priceRate = '1.2345';
      em.create(RequestLog, { requestId: name('rate'), userId: user.id, apiKeyId: 1, model: 'm', upstreamModel: 'm', endpoint: '/e', stream: false, status: 200, priceRate: '0.8500' });
      await em.flush();
      const read = orm.em.fork();
      expect((await read.findOneOrFail(User, user.id)).priceRate).toBe('1.2345');
      expect((await read.findOneOrFail(RequestLog, { userId: user.id })).priceRate).toBe('0.8500');
    });

    it('round-trips JSON columns', async () => {
      const em = orm.em.fork();
      const account = em.create(Account, {
        name: name('json'),
        platform: 'azure-openai',
        credentials: 'v1:x',
        credentialHint: '••••wxyz',
        supportedModels: ['gpt-4o', 'gpt-4.1'],
        modelMapping: { 'gpt-4o': 'my-deployment' },
        settings: { region: 'eastus', apiVersion: '2024-10-21' },
      });
      const audit = em.create(AuditLog, { actorName: 'admin', action: 'account.create', targetType: 'Account', before: null, after: { name: 'x', nested: { list: [1, 'two', null] } } });
      const setting = em.create(Setting, { key: name('json-setting'), value: ['a', { b: 1 }] });
      await em.flush();
      const read = orm.em.fork();
      expect(await read.findOneOrFail(Account, account.id)).toMatchObject({
        supportedModels: ['gpt-4o', 'gpt-4.1'],
        modelMapping: { 'gpt-4o': 'my-deployment' },
        settings: { region: 'eastus', apiVersion: '2024-10-21' },
      });
      expect(await read.findOneOrFail(AuditLog, audit.id)).toMatchObject({ before: null, after: { name: 'x', nested: { list: [1, 'two', null] } } });
      expect((await read.findOneOrFail(Setting, { key: setting.key })).value).toEqual(['a', { b: 1 }]);
    });

    it('deleting a user deletes their API keys, sessions and access tokens', async () => {
      const user = await newUser();
      const other = await newUser();
      const em = orm.em.fork();
      for (const [owner, c] of [[user, 'e'], [other, 'f']] as const) {
        const ref = em.getReference(User, owner.id);
        em.create(ApiKey, { user: ref, name: 'k', keyHash: c.repeat(64), keyPrefix: 'p' });
        em.create(Session, { user: ref, tokenHash: c.repeat(63) + '1', expiresAt: new Date() });
        em.create(AccessToken, { user: ref, name: 't', tokenHash: c.repeat(63) + '2', tokenPrefix: 'p' });
      }
      await em.flush();

      const del = orm.em.fork();
      del.remove(await del.findOneOrFail(User, user.id));
      await del.flush();

      const read = orm.em.fork();
      expect(await read.count(ApiKey, { user: user.id })).toBe(0);
      expect(await read.count(Session, { user: user.id })).toBe(0);
      expect(await read.count(AccessToken, { user: user.id })).toBe(0);
      expect(await read.count(ApiKey, { user: other.id })).toBe(1);
      expect(await read.count(Session, { user: other.id })).toBe(1);
    });

    it('seeds the default model prices once', async () => {
      const em = orm.em.fork();
      await em.nativeDelete(ModelPrice, {});
      const catalogSize = catalogModelPrices().length;
      expect(catalogSize).toBeGreaterThan(200);
      expect(await seedModelPrices(orm.em.fork())).toBe(catalogSize);
      const read = orm.em.fork();
      expect(await read.count(ModelPrice, {})).toBe(catalogSize);
      expect(await read.count(ModelPrice, { source: 'MANUAL' })).toBe(0);
      expect(await read.findOneOrFail(ModelPrice, { model: 'claude-sonnet-4-20250514' })).toMatchObject({
        platform: null,
        input: 3_000_000,
        output: 15_000_000,
        cacheWrite: 3_750_000,
        cacheRead: 300_000,
        cacheWrite1h: 6_000_000,
        source: 'CATALOG',
      });
      // A long-context tier survives the round trip through the database.
      expect(await read.findOneOrFail(ModelPrice, { model: 'gemini-3.1-pro-preview' })).toMatchObject({
        input: 2_000_000, output: 12_000_000, tierAboveInputTokens: 200_000, tierInput: 4_000_000, tierOutput: 18_000_000, tierCacheRead: 400_000,
      });
      expect(await seedModelPrices(orm.em.fork())).toBe(0);
      expect(await orm.em.fork().count(ModelPrice, {})).toBe(catalogSize);
    });
  });
}

dbSuite('sqlite');
dbSuite('mysql');
