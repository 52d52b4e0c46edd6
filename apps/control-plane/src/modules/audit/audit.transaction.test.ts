import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/core';
import { Account, AccountGroup, AlertChannel, AuditLog, ModelPrice, User } from '@relay/db';
import { startTestControlPlane, type TestControlPlane, controlPlaneBackends } from '@relay/testkit';
import type { Actor } from '../../service-context.ts';
import { AuditService, type AuditRecord } from './audit.service.ts';

/**
 * An audit writer whose rows the database refuses: each row reuses the primary key of an
 * existing audit row, so its INSERT fails with a unique-key violation when the transaction
 * flushes — the same failure a full disk or a dropped connection would give at that moment.
 */
class RefusedAuditRows extends AuditService {
  constructor(private readonly takenId: number) {
    super();
  }

  override add(em: EntityManager, actor: Actor, entry: AuditRecord): AuditLog {
    const log = super.add(em, actor, entry);
    log.id = this.takenId;
    return log;
  }
}

describe.each(controlPlaneBackends())('a mutation whose audit row cannot be written ($name)', ({ opts }) => {
  let cp: TestControlPlane;
  let realAudit: AuditService;
  let failingAudit: RefusedAuditRows;

  const fresh = () => cp.orm.em.fork();
  const auditCount = () => fresh().count(AuditLog, {});

  beforeAll(async () => {
    cp = await startTestControlPlane(opts);
    realAudit = cp.controlPlane.services.audit;
    const first = await fresh().findOneOrFail(AuditLog, { action: 'user.create' }, { orderBy: { id: 'asc' } });
    failingAudit = new RefusedAuditRows(first.id);
  });
  afterEach(() => {
    cp.controlPlane.services.audit = realAudit;
  });
  afterAll(async () => cp?.close());

  /** Runs `operation` with the refusing writer; expects an internal error, no new audit row and no republished snapshot. */
  async function withRefusedAudit(operation: () => Promise<{ errors?: { extensions?: { code?: string } }[] }>): Promise<void> {
    const audits = await auditCount();
    const version = await cp.store.getSnapshotVersion();
    cp.controlPlane.services.audit = failingAudit;
    const r = await operation();
    cp.controlPlane.services.audit = realAudit;
    expect(r.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(await auditCount()).toBe(audits);
    // Republishing is an effect after the commit: with no commit, proxies see no new snapshot.
    expect(await cp.store.getSnapshotVersion()).toBe(version);
  }

  it('createAccount: no account row is left behind', async () => {
    const create = () => cp.gql('mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }', {
      i: { name: 'audited-create', platform: 'OPENAI', apiKey: 'sk-proj-AUDITtransactionTEST0001' },
    }, cp.adminToken);
    await withRefusedAudit(create);
    expect(await fresh().count(Account, { name: 'audited-create' })).toBe(0);

    // The same mutation with a working audit writer commits both rows.
    const ok = await create();
    expect(ok.errors).toBeUndefined();
    expect(await fresh().count(Account, { name: 'audited-create' })).toBe(1);
    expect(await fresh().count(AuditLog, { action: 'account.create', targetId: (ok.data as { createAccount: { id: string } }).createAccount.id })).toBe(1);
  });

  it('updateUser: the user row keeps its old values', async () => {
    const created = await cp.gql<{ createUser: { id: string } }>(
      'mutation { createUser(input: { username: "audited-update", password: "audited-update-pw-1", priceRate: "1.5" }) { id } }', {}, cp.adminToken,
    );
    const id = Number(created.data!.createUser.id);
    const update = () => cp.gql('mutation($id: ID!) { updateUser(id: $id, input: { status: DISABLED, priceRate: "2.25" }) { id } }', { id: String(id) }, cp.adminToken);
    await withRefusedAudit(update);
    const row = await fresh().findOneOrFail(User, { id });
    expect([row.status, row.priceRate]).toEqual(['ACTIVE', '1.5000']);

    expect((await update()).errors).toBeUndefined();
    const changed = await fresh().findOneOrFail(User, { id });
    expect([changed.status, changed.priceRate]).toEqual(['DISABLED', '2.2500']);
  });

  it('deleteModelPrice: the price is still there', async () => {
    const price = await cp.gql<{ upsertModelPrice: { id: string } }>(
      'mutation { upsertModelPrice(input: { model: "audited-delete", input: "1", output: "2" }) { id } }', {}, cp.adminToken,
    );
    const id = Number(price.data!.upsertModelPrice.id);
    const remove = () => cp.gql('mutation($id: ID!) { deleteModelPrice(id: $id) }', { id: String(id) }, cp.adminToken);
    await withRefusedAudit(remove);
    expect(await fresh().count(ModelPrice, { id })).toBe(1);

    expect((await remove()).errors).toBeUndefined();
    expect(await fresh().count(ModelPrice, { id })).toBe(0);
  });

  it('createApiKey and deleteApiKey: neither happens without its audit row', async () => {
    const create = () => cp.gql<{ createApiKey: { apiKey: { id: string } } }>('mutation { createApiKey(input: { name: "audited-key" }) { apiKey { id } } }', {}, cp.adminToken);
    const keysBefore = await fresh().count(AuditLog, { action: 'api_key.create' });
    await withRefusedAudit(create);
    expect(await fresh().count(AuditLog, { action: 'api_key.create' })).toBe(keysBefore);
    const made = await create();
    const keyId = made.data!.createApiKey.apiKey.id;
    await withRefusedAudit(() => cp.gql('mutation($id: ID!) { deleteApiKey(id: $id) }', { id: keyId }, cp.adminToken));
    const mine = await cp.gql<{ myApiKeys: { id: string; name: string }[] }>('{ myApiKeys { id name } }', {}, cp.adminToken);
    expect(mine.data!.myApiKeys).toEqual([{ id: keyId, name: 'audited-key' }]);
  });

  it('createAlertChannel and deleteAlertChannel: the channel list is unchanged without the audit row', async () => {
    const create = () => cp.gql<{ createAlertChannel: { id: string } }>(
      'mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }',
      { i: { name: 'audited-channel', kind: 'SLACK', url: 'https://hooks.example.com/services/T/B/x', events: ['ACCOUNT_ERROR'] } }, cp.adminToken,
    );
    await withRefusedAudit(create);
    expect(await fresh().count(AlertChannel, { name: 'audited-channel' })).toBe(0);
    const id = (await create()).data!.createAlertChannel.id;
    await withRefusedAudit(() => cp.gql('mutation($id: ID!) { deleteAlertChannel(id: $id) }', { id }, cp.adminToken));
    expect(await fresh().count(AlertChannel, { id: Number(id) })).toBe(1);
  });

  it('createAccountGroup, updateAccountGroup and deleteAccountGroup: the group is unchanged without the audit row', async () => {
    const create = () => cp.gql<{ createAccountGroup: { id: string } }>(
      'mutation($i: CreateAccountGroupInput!) { createAccountGroup(input: $i) { id } }', { i: { name: 'audited-group' } }, cp.adminToken,
    );
    await withRefusedAudit(create);
    expect(await fresh().count(AccountGroup, { name: 'audited-group' })).toBe(0);
    const id = (await create()).data!.createAccountGroup.id;
    await withRefusedAudit(() => cp.gql('mutation($id: ID!) { updateAccountGroup(id: $id, input: { name: "renamed-group" }) { id } }', { id }, cp.adminToken));
    await withRefusedAudit(() => cp.gql('mutation($id: ID!) { deleteAccountGroup(id: $id) }', { id }, cp.adminToken));
    expect(await fresh().findOneOrFail(AccountGroup, { id: Number(id) })).toMatchObject({ name: 'audited-group' });
  });
});
