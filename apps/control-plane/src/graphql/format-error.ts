import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { ValidationError } from 'class-validator';
import { DomainError, ErrorCode } from './errors.ts';
import { isTokenLimitError } from './limits.ts';

interface FieldProblem {
  field: string;
  message: string;
}

/** Flattens class-validator errors (nested inputs included) into "field: problem" pairs. */
function fieldProblems(errs: ValidationError[], prefix = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errs) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    for (const msg of Object.values(e.constraints ?? {})) {
      // class-validator's default messages start with the property name; ours do not.
      out.push({ field: path, message: msg.startsWith(`${e.property} `) ? msg.slice(e.property.length + 1) : msg });
    }
    if (e.children?.length) out.push(...fieldProblems(e.children, path));
  }
  return out;
}

const VARIABLE_PATH = /^Variable "\$(\w+)" got invalid value .*? at "([\w.[\]]+)"/;
const VARIABLE_PLAIN = /^Variable "\$(\w+)" got invalid value/;

/** The offending input field named in a GraphQL variable-coercion message, e.g. `input.priceRate` → `priceRate`. */
function fieldFromCoercionMessage(message: string): string | undefined {
  const m = VARIABLE_PATH.exec(message);
  if (m) return m[2].split('.').pop()!.replace(/\[\d+\]$/, '');
  return VARIABLE_PLAIN.exec(message)?.[1];
}

/**
 * The client view of an error we expect (domain errors, validation, GraphQL's own errors), or
 * null for anything else — a bug, which the caller logs and hides.
 */
function formatExpected(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError | null {
  const original = unwrapResolverError(error);
  const base = { locations: formatted.locations, path: formatted.path };

  if (original instanceof DomainError) {
    return {
      ...base,
      message: original.message,
      extensions: { code: original.code, ...(original.field ? { field: original.field } : {}), ...(original.details ?? {}) },
    };
  }

  const validationErrors = (original as { extensions?: { validationErrors?: ValidationError[] } } | null)?.extensions?.validationErrors;
  if (original instanceof GraphQLError && Array.isArray(validationErrors)) {
    const problems = fieldProblems(validationErrors);
    const first = problems[0];
    return {
      ...base,
      message: problems.length ? problems.map((p) => `${p.field}: ${p.message}`).join('; ') : 'Invalid input',
      extensions: { code: ErrorCode.BAD_USER_INPUT, ...(first ? { field: first.field.split('.').pop() } : {}), fields: problems.map((p) => p.field) },
    };
  }

  // Request-level errors from GraphQL itself (parse, validation, variable coercion, limits) carry
  // no path: their messages are written for clients.
  if (error instanceof GraphQLError && !error.path && !(original instanceof DomainError)) {
    // Apollo re-labels every validation error GRAPHQL_VALIDATION_FAILED; our depth rule's own code
    // survives on the wrapped original.
    const inner = error.originalError instanceof GraphQLError ? error.originalError.extensions : undefined;
    // The parser's token bound has no code of its own: give it the one every other bound has.
    const tokens = isTokenLimitError(formatted.message) ? { code: ErrorCode.LIMIT_EXCEEDED, limit: 'TOKENS' } : undefined;
    const limit = inner?.code === ErrorCode.LIMIT_EXCEEDED ? inner : formatted.extensions?.code === ErrorCode.LIMIT_EXCEEDED ? formatted.extensions : tokens;
    const code = limit ? ErrorCode.LIMIT_EXCEEDED : ((formatted.extensions?.code as string | undefined) ?? 'GRAPHQL_ERROR');
    if (code !== 'INTERNAL_SERVER_ERROR') {
      const extensions: Record<string, unknown> = { code };
      for (const [k, v] of Object.entries(limit ?? {})) if (k !== 'code' && k !== 'http') extensions[k] = v;
      if (code === 'BAD_USER_INPUT') {
        const field = fieldFromCoercionMessage(formatted.message);
        if (field) extensions.field = field;
      }
      return { ...base, message: formatted.message, extensions };
    }
  }

  if (original instanceof GraphQLError) {
    const code = (original.extensions?.code as string | undefined) ?? (formatted.extensions?.code as string | undefined);
    if (code === 'UNAUTHENTICATED' || code === 'UNAUTHORIZED') {
      return { ...base, message: original.message, extensions: { code: code === 'UNAUTHORIZED' ? ErrorCode.FORBIDDEN : ErrorCode.UNAUTHENTICATED } };
    }
    // Thrown by a resolver without a code: treat like any other unexpected error below.
    if (code && code !== 'INTERNAL_SERVER_ERROR') {
      const { stacktrace: _s, exception: _e, ...extensions } = { ...(formatted.extensions ?? {}), code } as Record<string, unknown>;
      if (code === 'BAD_USER_INPUT') {
        const field = fieldFromCoercionMessage(formatted.message);
        if (field) extensions.field = field;
      }
      return { ...base, message: formatted.message, extensions };
    }
    if (!original.originalError && !code) return { ...base, message: formatted.message, extensions: { code: 'GRAPHQL_ERROR' } };
  }

  return null;
}

/** True for errors that are bugs (to be logged with the request id); they reach clients as "Internal error". */
export function isUnexpectedError(error: unknown): boolean {
  const e = error as GraphQLError;
  return formatExpected({ message: e?.message ?? '', extensions: e?.extensions }, error) === null;
}

/**
 * The one place errors become client responses (Apollo `formatError`, also used for graphql-ws):
 * domain errors → their code (and field); class-validator failures → BAD_USER_INPUT naming the
 * field; GraphQL's own errors (parse, validation, limits, variable coercion) pass through; anything
 * else → INTERNAL_SERVER_ERROR "Internal error", with no message or stack of the original.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  return (
    formatExpected(formatted, error) ?? {
      locations: formatted.locations,
      path: formatted.path,
      message: 'Internal error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    }
  );
}
