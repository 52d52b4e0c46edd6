import { clientAllowed, clientFamilyOf, emptySnapshot, SecretBox, type ConfigSnapshot, type SnapshotAccount, type SnapshotKey } from '@relay/core';
import { MemoryHotStore } from '@relay/hot-store';
import { describe, expect, it } from 'vitest';
import { assertClientAllowed, mappedModel } from '../auth/authenticate.ts';
import { SnapshotIndex } from '../snapshot/snapshot-index.ts';
import { AccountHealth } from './account-health.ts';
import { selectAccounts } from './select-account.ts';

const silent = { info() {}, warn() {}, error() {}, debug() {} };
const NOW = 1_800_000_000_000;
const box = SecretBox.fromKey('k'.repeat(32));

function account(id: string, over: Partial<SnapshotAccount> = {}): SnapshotAccount {
  return { id, name: id, platform: 'claude-console', status: 'ACTIVE', schedulable: true, priority: 50, baseUrl: null, credentials: '', supportedModels: null, modelMapping: {}, concurrency: null, egressProxy: null, settings: {}, ...over };
}
function key(over: Partial<SnapshotKey> = {}): SnapshotKey {
  return { id: 'k', userId: 'u', name: 'k', enabled: true, expiresAt: null, allowedPlatforms: null, allowedModels: null, rpm: null, tpm: null, concurrency: null, dailyCostLimit: null, totalCostLimit: null, costUsed: 0 as never, ...over };
}

describe('account bindings in account selection', () => {
  const snapshot = (over: Partial<ConfigSnapshot> = {}): ConfigSnapshot => ({
    ...emptySnapshot(), version: 1,
    accounts: [account('a1', { priority: 1 }), account('a2', { priority: 1 }), account('b1', { priority: 5 }), account('b2', { priority: 5 })],
    accountGroups: { A: { id: 'A', name: 'A', accountIds: ['a1', 'a2'] }, B: { id: 'B', name: 'B', accountIds: ['b1', 'b2'] } },
    users: { u: { id: 'u', username: 'u', status: 'ACTIVE', priceRate: 10_000 as never } },
    ...over,
  });
  const pick = (snap: ConfigSnapshot, k: SnapshotKey, sticky: string | null = null) =>
    selectAccounts({
      index: new SnapshotIndex(snap, box), health: new AccountHealth(new MemoryHotStore(), 3, silent), key: k, model: 'claude-sonnet-4-5',
      clientFormat: 'anthropic', endpoint: 'messages', canTranslate: () => false, stickyAccountId: sticky, now: NOW,
    }).map((a) => a.id).sort();

  it('an unbound key (and an unbound owner) keeps every account of the platform', () => {
    expect(pick(snapshot(), key())).toEqual(['a1', 'a2', 'b1', 'b2']);
  });
  it('a key bound to a group is served only by its members, even when a sticky session points elsewhere', () => {
    expect(pick(snapshot(), key({ binding: { groupId: 'B' } }))).toEqual(['b1', 'b2']);
    expect(pick(snapshot(), key({ binding: { groupId: 'B' } }), 'a1')).toEqual(['b1', 'b2']);
  });
  it('a key bound to accounts is served only by them', () => {
    expect(pick(snapshot(), key({ binding: { accountIds: ['a2', 'b1'] } }))).toEqual(['a2', 'b1']);
  });
  it("the owner's default binding applies to keys without their own; a key's own binding wins", () => {
    const snap = snapshot({ users: { u: { id: 'u', username: 'u', status: 'ACTIVE', priceRate: 10_000 as never, binding: { groupId: 'A' } } } });
    expect(pick(snap, key())).toEqual(['a1', 'a2']);
    expect(pick(snap, key({ binding: { accountIds: ['b2'] } }))).toEqual(['b2']);
  });
  it('a binding to a group that no longer exists serves nothing (never every account)', () => {
    expect(pick(snapshot(), key({ binding: { groupId: 'gone' } }))).toEqual([]);
    expect(pick(snapshot({ accountGroups: undefined }), key({ binding: { groupId: 'A' } }))).toEqual([]);
  });
});

describe('client families', () => {
  it("recognises Claude Code's, Codex's and Gemini CLI's user agents", () => {
    expect(clientFamilyOf('claude-cli/2.1.197 (external, cli)')).toBe('claude-code');
    expect(clientFamilyOf('codex_cli_rs/0.63.0 (Debian 13.0.0; x86_64) xterm-256color')).toBe('codex');
    expect(clientFamilyOf('codex_exec/0.63.0 (Debian 13.0.0; x86_64)')).toBe('codex');
    expect(clientFamilyOf('GeminiCLI/0.18.0 (linux; x64)')).toBe('gemini-cli');
    expect(clientFamilyOf('GeminiCLI-tui/0.61.0/gemini-3.1-pro-preview (linux; x64; terminal)')).toBe('gemini-cli');
    expect(clientFamilyOf('GeminiCLIish/1.0')).toBeNull();
    expect(clientFamilyOf('curl/8.5.0')).toBeNull();
    expect(clientFamilyOf('Anthropic/JS 0.65.0')).toBeNull();
    expect(clientFamilyOf(undefined)).toBeNull();
  });
  it('a key limited to Claude Code refuses other clients with 403 client_not_allowed; no rule accepts any', () => {
    const limited = key({ allowedClients: ['claude-code'] });
    expect(clientAllowed(limited.allowedClients, 'claude-cli/2.1.197 (external, cli)')).toBe(true);
    expect(() => assertClientAllowed(limited, 'curl/8.5.0')).toThrow(expect.objectContaining({ status: 403, code: 'client_not_allowed' }));
    expect(() => assertClientAllowed(limited, undefined)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => assertClientAllowed(key({ allowedClients: null }), 'curl/8.5.0')).not.toThrow();
    expect(() => assertClientAllowed(key({ allowedClients: [] }), undefined)).not.toThrow();
  });
});

describe("a key's model mapping", () => {
  it('maps a configured alias and leaves every other model (and inherited object keys) alone', () => {
    const k = key({ modelMapping: { sonnet: 'claude-sonnet-4-5' } });
    expect(mappedModel(k, 'sonnet')).toBe('claude-sonnet-4-5');
    expect(mappedModel(k, 'claude-opus-4-1')).toBe('claude-opus-4-1');
    expect(mappedModel(k, 'constructor')).toBe('constructor');
    expect(mappedModel(key(), 'sonnet')).toBe('sonnet');
  });
});
