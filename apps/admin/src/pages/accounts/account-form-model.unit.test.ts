import { describe, expect, it } from 'vitest';
import { buildAccountInput, emptyAccountForm, formatModelMapping, parseModelMapping, validateAccountForm } from './account-form-model.ts';

describe('account form', () => {
  it('requires the credentials of the chosen platform, each under its own field', () => {
    const bedrock = { ...emptyAccountForm('BEDROCK'), name: 'aws', region: '' };
    expect(validateAccountForm(bedrock, 'create')).toEqual({ region: 'validation.required', accessKeyId: 'validation.required', secretAccessKey: 'validation.required' });
    const azure = { ...emptyAccountForm('AZURE_OPENAI'), name: 'az', apiKey: 'k', baseUrl: 'not a url', deployment: 'gpt4o' };
    expect(validateAccountForm(azure, 'create')).toEqual({ baseUrl: 'validation.url' });
    expect(validateAccountForm({ ...emptyAccountForm('OPENAI'), name: 'o', apiKey: 'sk', priority: '-1', concurrency: '0', egressProxy: 'ftp://x' }, 'create')).toEqual({
      priority: 'validation.priority',
      concurrency: 'validation.positiveInt',
      egressProxy: 'validation.proxyUrl',
    });
  });

  it('lets an edit keep stored secrets by leaving them blank', () => {
    const form = { ...emptyAccountForm('CLAUDE_CONSOLE'), name: 'console' };
    expect(validateAccountForm(form, 'create')).toEqual({ apiKey: 'validation.required' });
    expect(validateAccountForm(form, 'edit')).toEqual({});
    const input = buildAccountInput(form, 'edit');
    expect(input).not.toHaveProperty('apiKey');
    expect(input).not.toHaveProperty('platform');
  });

  it('sends only the fields of the platform, typed for the API', () => {
    const form = { ...emptyAccountForm('GEMINI'), name: ' g ', apiKey: 'AIza', region: 'us-east-1', models: 'gemini-2.0-flash, gemini-2.5-pro gemini-2.0-flash', modelMapping: 'gemini-pro=gemini-2.5-pro', concurrency: '4' };
    expect(buildAccountInput(form, 'create')).toEqual({
      name: 'g',
      platform: 'GEMINI',
      priority: 50,
      concurrency: 4,
      probeIntervalSeconds: null,
      models: ['gemini-2.0-flash', 'gemini-2.5-pro'],
      apiKey: 'AIza',
      baseUrl: null,
      modelMapping: { 'gemini-pro': 'gemini-2.5-pro' },
    });
  });

  it('takes a probe interval of 30 s to one day, empty for none', () => {
    const form = { ...emptyAccountForm('OPENAI'), name: 'o', apiKey: 'sk-x' };
    expect(validateAccountForm({ ...form, probeIntervalSeconds: '10' }, 'create')).toEqual({ probeIntervalSeconds: 'validation.probeInterval' });
    expect(validateAccountForm({ ...form, probeIntervalSeconds: '300' }, 'create')).toEqual({});
    expect(buildAccountInput({ ...form, probeIntervalSeconds: '300' }, 'create')).toMatchObject({ probeIntervalSeconds: 300 });
    expect(buildAccountInput({ ...form, probeIntervalSeconds: ' ' }, 'edit')).toMatchObject({ probeIntervalSeconds: null });
  });

  it('round-trips model mappings and rejects malformed lines', () => {
    expect(parseModelMapping('a=b\n c -> d ')).toEqual({ a: 'b', c: 'd' });
    expect(parseModelMapping('just-a-model')).toBeNull();
    expect(formatModelMapping({ a: 'b', c: 'd' })).toBe('a=b\nc=d');
  });
});
