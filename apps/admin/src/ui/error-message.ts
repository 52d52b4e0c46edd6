// Turns a urql CombinedError (or anything thrown) into one readable sentence in the UI's language.
// The server's GraphQL errors carry a stable `extensions.code` (the control plane's ErrorCode, see
// apps/control-plane/src/graphql/errors.ts); each code has a message in en.ts and zh.ts under
// `error.code.<CODE>`, with variants that use the error's details. The server's own (English)
// message is shown only for a code the admin does not know.
import { en, type MessageKey } from '../i18n/en.ts';
import type { MessageVars } from '../i18n/I18nProvider.tsx';

interface GraphqlLikeError {
  graphQLErrors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
  networkError?: Error;
  message?: string;
}

/** The t() of I18nProvider: a message key (and placeholder values) → text in the current language. */
export type Translate = (key: MessageKey, vars?: MessageVars) => string;

function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/** The dictionary key (and values) for a server error code, or null when the code is unknown. */
export function errorCodeMessage(code: string, extensions: Record<string, unknown> = {}): { key: MessageKey; vars?: MessageVars } | null {
  const field = typeof extensions.field === 'string' ? extensions.field : undefined;
  if (code === 'BAD_USER_INPUT' && typeof extensions.maxRangeDays === 'number') return { key: 'error.code.BAD_USER_INPUT.range', vars: { days: extensions.maxRangeDays } };
  if (code === 'BAD_USER_INPUT' && field) return { key: 'error.code.BAD_USER_INPUT.field', vars: { field } };
  if (code === 'CONFLICT' && field) return { key: 'error.code.CONFLICT.field', vars: { field } };
  if (code === 'LIMIT_EXCEEDED' && typeof extensions.retryAfterSeconds === 'number') {
    return { key: 'error.code.LIMIT_EXCEEDED.retry', vars: { minutes: Math.max(1, Math.ceil(extensions.retryAfterSeconds / 60)) } };
  }
  if (code === 'LIMIT_EXCEEDED' && typeof extensions.limit === 'number') return { key: 'error.code.LIMIT_EXCEEDED.count', vars: { limit: extensions.limit } };
  const key = `error.code.${code}`;
  return isMessageKey(key) ? { key } : null;
}

/** The first GraphQL error translated by its code, a network message, or a generic one. */
export function errorMessage(error: unknown, t: Translate): string {
  if (typeof error === 'string') return error;
  const e = error as GraphqlLikeError | undefined;
  const first = e?.graphQLErrors?.[0];
  if (first) {
    const code = first.extensions?.code;
    const known = typeof code === 'string' ? errorCodeMessage(code, first.extensions) : null;
    return known ? t(known.key, known.vars) : first.message;
  }
  if (e?.networkError) return t('error.network');
  return e?.message?.replace(/^\[\w+\]\s*/, '') || t('error.internal');
}

/** extensions.field of the first GraphQL error, used to put a server message under its input. */
export function errorField(error: unknown): string | undefined {
  const field = (error as GraphqlLikeError | undefined)?.graphQLErrors?.[0]?.extensions?.field;
  return typeof field === 'string' ? field : undefined;
}
