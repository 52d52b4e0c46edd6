// Every error code the control plane can send reaches the user in the UI's language: the list of
// codes is the server's own ErrorCode enum (@relay/core), so a code added there fails here until both
// dictionaries translate it.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@relay/core';
import { translate, type Locale } from '../i18n/I18nProvider.tsx';
import { en } from '../i18n/en.ts';
import { zh } from '../i18n/zh.ts';
import { errorMessage, type Translate } from './error-message.ts';

const SERVER_CODES = [...Object.values(ErrorCode), 'INTERNAL_SERVER_ERROR'];
const tIn = (locale: Locale): Translate => (key, vars) => translate(locale, key, vars);
/** What urql hands a page for a GraphQL error with this message and these extensions. */
const gqlError = (message: string, extensions: Record<string, unknown>) => ({ graphQLErrors: [{ message, extensions }] });

describe('server error codes in the UI language', () => {
  it('every server code has an English and a Chinese message of its own', () => {
    expect(Object.values(ErrorCode).length).toBeGreaterThanOrEqual(6);
    const missing = SERVER_CODES.filter((code) => !(`error.code.${code}` in en) || !(`error.code.${code}` in zh));
    expect(missing).toEqual([]);
    for (const code of SERVER_CODES) {
      const error = gqlError('Server sentence in English', { code });
      const english = errorMessage(error, tIn('en'));
      const chinese = errorMessage(error, tIn('zh'));
      expect(english).not.toBe('Server sentence in English');
      expect(chinese).not.toBe(english);
      expect(chinese).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('uses the error details: the field at fault, the wait before retrying, the limit', () => {
    expect(errorMessage(gqlError('name: must be shorter', { code: 'BAD_USER_INPUT', field: 'name' }), tIn('zh'))).toBe('“name”的值无效。');
    expect(errorMessage(gqlError('username: "x" is already taken', { code: 'CONFLICT', field: 'username' }), tIn('en'))).toBe('This “username” is already in use.');
    const throttled = gqlError('Too many failed logins; try again in 10 minute(s)', { code: 'LIMIT_EXCEEDED', retryAfterSeconds: 570 });
    expect(errorMessage(throttled, tIn('zh'))).toBe('尝试次数过多，请在 10 分钟后重试。');
    expect(errorMessage(gqlError('You can have at most 5 API keys', { code: 'LIMIT_EXCEEDED', limit: 5 }), tIn('en'))).toBe('You have reached the limit of 5. Remove one first.');
    const tooLong = gqlError('since: the range may cover at most 92 days', { code: 'BAD_USER_INPUT', field: 'since', maxRangeDays: 92 });
    expect(errorMessage(tooLong, tIn('zh'))).toBe('日期范围过长：最多 92 天。');
    expect(errorMessage(tooLong, tIn('en'))).toBe('The date range is too long: at most 92 days.');
  });

  it('shows the server message only for a code it does not know', () => {
    expect(errorMessage(gqlError('Syntax Error: Unexpected Name "quer"', { code: 'GRAPHQL_PARSE_FAILED' }), tIn('zh'))).toBe('Syntax Error: Unexpected Name "quer"');
    expect(errorMessage({ networkError: new Error('fetch failed') }, tIn('zh'))).toBe(zh['error.network']);
  });
});
