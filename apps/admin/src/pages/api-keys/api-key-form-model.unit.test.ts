import { describe, expect, it } from 'vitest';
import { buildApiKeyInput, emptyApiKeyForm, validateApiKeyForm } from './api-key-form-model.ts';
import { validatePriceRate, validateUsername, validatePassword } from '../users/user-form-model.ts';
import { validatePriceDraft } from '../pricing/PricingPage.tsx';

describe('API key form', () => {
  it('names each invalid limit', () => {
    const values = { ...emptyApiKeyForm(), name: '', rpm: '0', tpm: 'abc', dailyCostLimit: '1.1234567', totalCostLimit: '0', expiresAt: '2020-01-01' };
    expect(validateApiKeyForm(values, '2025-01-01')).toEqual({
      name: 'validation.required',
      rpm: 'validation.positiveInt',
      tpm: 'validation.positiveInt',
      dailyCostLimit: 'validation.usd',
      totalCostLimit: 'validation.usd',
      expiresAt: 'validation.futureDate',
    });
  });

  it('sends empty limits as null (no limit) and money as decimal strings', () => {
    const input = buildApiKeyInput({ ...emptyApiKeyForm(), name: 'ci', rpm: '60', dailyCostLimit: '5.5', allowedPlatforms: ['OPENAI'], allowedModels: 'gpt-4o, gpt-4o-mini' });
    expect(input).toEqual({ name: 'ci', allowedPlatforms: ['OPENAI'], allowedModels: ['gpt-4o', 'gpt-4o-mini'], rpm: 60, tpm: null, concurrency: null, dailyCostLimit: '5.5', totalCostLimit: null, expiresAt: null, modelMapping: [], allowedClients: null });
  });

  it('sends model aliases and client rules; the binding only from an admin editor, one kind at a time', () => {
    const values = { ...emptyApiKeyForm(), name: 'cc', modelMapping: 'sonnet=claude-sonnet-4-5\nopus -> claude-opus-4-1', allowedClients: ['CLAUDE_CODE' as const], bindingKind: 'group' as const, accountGroupId: '7', accountIds: ['3'] };
    const input = buildApiKeyInput(values);
    expect(input).toMatchObject({ modelMapping: [{ from: 'sonnet', to: 'claude-sonnet-4-5' }, { from: 'opus', to: 'claude-opus-4-1' }], allowedClients: ['CLAUDE_CODE'] });
    expect(input).not.toHaveProperty('accountGroupId');
    expect(buildApiKeyInput(values, true)).toMatchObject({ accountGroupId: '7', accountIds: null });
    expect(buildApiKeyInput({ ...values, bindingKind: 'accounts' }, true)).toMatchObject({ accountGroupId: null, accountIds: ['3'] });
    expect(buildApiKeyInput({ ...values, bindingKind: 'none' }, true)).toMatchObject({ accountGroupId: null, accountIds: null });
    expect(validateApiKeyForm({ ...values, modelMapping: 'sonnet', accountGroupId: '' }, '2025-01-01')).toEqual({ modelMapping: 'validation.modelMapping', accountGroupId: 'validation.required' });
  });
});

describe('user and pricing validation', () => {
  it('accepts rates in (0, 100] with at most 4 decimals', () => {
    expect(validatePriceRate('0.85')).toBeNull();
    expect(validatePriceRate('100')).toBeNull();
    expect(validatePriceRate('0')).toBe('validation.rateRange');
    expect(validatePriceRate('100.0001')).toBe('validation.rateRange');
    expect(validatePriceRate('1.23456')).toBe('validation.rateDecimals');
    expect(validatePriceRate('-1')).toBe('validation.rateFormat');
  });

  it('checks usernames, passwords and price rows', () => {
    expect(validateUsername('a')).toBe('validation.username');
    expect(validateUsername('alice.w')).toBeNull();
    expect(validatePassword('short', true)).toBe('validation.passwordLength');
    expect(validatePassword('', false)).toBeNull();
    expect(validatePriceDraft({ model: 'm', platform: '', input: '3', output: '15.000001', cacheWrite: '-1', cacheRead: '0.3' })).toEqual({ cacheWrite: 'validation.price' });
  });
});
