// Turns a urql CombinedError (or anything thrown) into one readable sentence for the user.
import type { MessageKey } from '../i18n/en.ts';

interface GraphqlLikeError {
  graphQLErrors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
  networkError?: Error;
  message?: string;
}

/** The message of the first GraphQL error, a network message, or a generic one. */
export function errorMessage(error: unknown, t: (key: MessageKey) => string): string {
  if (typeof error === 'string') return error;
  const e = error as GraphqlLikeError | undefined;
  const first = e?.graphQLErrors?.[0];
  if (first) {
    const code = first.extensions?.code;
    if (code === 'FORBIDDEN') return t('error.forbidden');
    if (code === 'INTERNAL_SERVER_ERROR') return t('error.internal');
    return first.message;
  }
  if (e?.networkError) return t('error.network');
  return e?.message?.replace(/^\[\w+\]\s*/, '') || t('error.internal');
}

/** extensions.field of the first GraphQL error, used to put a server message under its input. */
export function errorField(error: unknown): string | undefined {
  const field = (error as GraphqlLikeError | undefined)?.graphQLErrors?.[0]?.extensions?.field;
  return typeof field === 'string' ? field : undefined;
}
