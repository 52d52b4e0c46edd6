// The account form as pure data: which fields each platform needs, client-side validation with
// one message per field, and the GraphQL input built from the form. Kept free of React so it is
// unit-tested directly.
import type { MessageKey } from '../../i18n/en.ts';
import type { Account } from '../../graphql/fragments/account-fields.ts';
import type { PlatformEnum } from '../../graphql/enums.ts';
import type { VariablesOf } from '../../graphql/graphql.ts';
import type { CREATE_ACCOUNT_MUTATION } from '../../graphql/mutations/create-account.ts';
import type { UPDATE_ACCOUNT_MUTATION } from '../../graphql/mutations/update-account.ts';

/** The createAccount input, as the schema defines it. */
export type CreateAccountInput = VariablesOf<typeof CREATE_ACCOUNT_MUTATION>['input'];
/** The updateAccount input, as the schema defines it. */
export type UpdateAccountInput = VariablesOf<typeof UPDATE_ACCOUNT_MUTATION>['input'];

export type AccountFieldName =
  | 'name'
  | 'platform'
  | 'baseUrl'
  | 'apiKey'
  | 'accessToken'
  | 'refreshToken'
  | 'region'
  | 'accessKeyId'
  | 'secretAccessKey'
  | 'sessionToken'
  | 'deployment'
  | 'apiVersion'
  | 'priority'
  | 'concurrency'
  | 'probeIntervalSeconds'
  | 'models'
  | 'modelMapping'
  | 'egressProxy';

export type AccountFormValues = Record<AccountFieldName, string>;
export type AccountFormErrors = Partial<Record<AccountFieldName, MessageKey>>;

/** Fields holding a secret: never pre-filled on edit, blank means "keep the stored one". */
export const SECRET_FIELDS: readonly AccountFieldName[] = ['apiKey', 'accessToken', 'refreshToken', 'secretAccessKey', 'sessionToken', 'egressProxy'];

interface PlatformSpec {
  /** Platform-specific fields in display order. */
  fields: readonly AccountFieldName[];
  /** Of those, the ones required when creating. */
  required: readonly AccountFieldName[];
  /** Placeholder for the base URL field. */
  baseUrlPlaceholder: string;
}

export const PLATFORM_SPECS: Readonly<Record<PlatformEnum, PlatformSpec>> = {
  CLAUDE_OAUTH: { fields: ['accessToken', 'refreshToken', 'baseUrl'], required: ['accessToken'], baseUrlPlaceholder: 'https://api.anthropic.com' },
  CLAUDE_CONSOLE: { fields: ['apiKey', 'baseUrl'], required: ['apiKey'], baseUrlPlaceholder: 'https://api.anthropic.com' },
  CCR: { fields: ['baseUrl', 'apiKey'], required: ['baseUrl', 'apiKey'], baseUrlPlaceholder: 'https://ccr.example.com' },
  BEDROCK: { fields: ['region', 'accessKeyId', 'secretAccessKey', 'sessionToken', 'baseUrl'], required: ['region', 'accessKeyId', 'secretAccessKey'], baseUrlPlaceholder: 'https://bedrock-runtime.us-east-1.amazonaws.com' },
  AZURE_OPENAI: { fields: ['baseUrl', 'apiKey', 'deployment', 'apiVersion'], required: ['baseUrl', 'apiKey', 'deployment', 'apiVersion'], baseUrlPlaceholder: 'https://my-resource.openai.azure.com' },
  OPENAI: { fields: ['apiKey', 'baseUrl'], required: ['apiKey'], baseUrlPlaceholder: 'https://api.openai.com' },
  GEMINI: { fields: ['apiKey', 'baseUrl'], required: ['apiKey'], baseUrlPlaceholder: 'https://generativelanguage.googleapis.com' },
};

/** Empty form for a platform (sensible defaults filled in). */
export function emptyAccountForm(platform: PlatformEnum = 'CLAUDE_CONSOLE'): AccountFormValues {
  return {
    name: '',
    platform,
    baseUrl: '',
    apiKey: '',
    accessToken: '',
    refreshToken: '',
    region: platform === 'BEDROCK' ? 'us-east-1' : '',
    accessKeyId: '',
    secretAccessKey: '',
    sessionToken: '',
    deployment: '',
    apiVersion: platform === 'AZURE_OPENAI' ? '2024-10-21' : '',
    priority: '50',
    concurrency: '',
    probeIntervalSeconds: '',
    models: '',
    modelMapping: '',
    egressProxy: '',
  };
}

/** Form values for editing an existing account (secrets stay blank). */
export function accountToForm(account: Account): AccountFormValues {
  return {
    ...emptyAccountForm(account.platform),
    name: account.name,
    baseUrl: account.baseUrl ?? '',
    priority: String(account.priority),
    concurrency: account.concurrency === null ? '' : String(account.concurrency),
    probeIntervalSeconds: account.probeIntervalSeconds === null ? '' : String(account.probeIntervalSeconds),
    models: (account.models ?? []).join(', '),
    region: account.region ?? '',
    deployment: account.deployment ?? '',
    apiVersion: account.apiVersion ?? '',
    modelMapping: formatModelMapping(account.modelMapping as Record<string, string> | null),
  };
}

/** { from: to } → lines of `from=to` (the form's text format). */
export function formatModelMapping(mapping: Record<string, string> | null | undefined): string {
  return Object.entries(mapping ?? {})
    .map(([from, to]) => `${from}=${to}`)
    .join('\n');
}

/** "a, b\nc" → ['a','b','c'] (deduplicated, blanks dropped). */
export function parseList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean))];
}

/** Lines of `from=to` (or `from -> to`) → { from: to }; null when a line is malformed. */
export function parseModelMapping(text: string): Record<string, string> | null {
  const mapping: Record<string, string> = {};
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const m = /^([^=\s>]+)\s*(?:=|->|→)\s*([^=\s>]+)$/.exec(line);
    if (!m) return null;
    mapping[m[1]] = m[2];
  }
  return mapping;
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function isProxyUrl(value: string): boolean {
  try {
    return ['http:', 'https:', 'socks5:', 'socks5h:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Validates the form; returns one message key per invalid field (empty object when valid). */
export function validateAccountForm(values: AccountFormValues, mode: 'create' | 'edit'): AccountFormErrors {
  const errors: AccountFormErrors = {};
  const spec = PLATFORM_SPECS[values.platform as PlatformEnum];
  if (!spec) errors.platform = 'validation.required';
  if (!values.name.trim()) errors.name = 'validation.required';
  else if (values.name.trim().length > 100) errors.name = 'validation.tooLong';
  for (const field of spec?.required ?? []) {
    const isSecret = SECRET_FIELDS.includes(field);
    if (!values[field].trim() && !(mode === 'edit' && isSecret)) errors[field] = 'validation.required';
  }
  if (values.baseUrl.trim() && !isHttpUrl(values.baseUrl.trim())) errors.baseUrl = 'validation.url';
  if (values.region.trim() && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(values.region.trim())) errors.region = 'validation.region';
  if (values.apiVersion.trim() && !/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(values.apiVersion.trim())) errors.apiVersion = 'validation.apiVersion';
  const priority = values.priority.trim();
  if (!/^\d+$/.test(priority) || Number(priority) > 1000) errors.priority = 'validation.priority';
  const concurrency = values.concurrency.trim();
  if (concurrency && (!/^\d+$/.test(concurrency) || Number(concurrency) < 1 || Number(concurrency) > 10_000)) errors.concurrency = 'validation.positiveInt';
  const probe = values.probeIntervalSeconds.trim();
  if (probe && (!/^\d+$/.test(probe) || Number(probe) < 30 || Number(probe) > 86_400)) errors.probeIntervalSeconds = 'validation.probeInterval';
  if (values.modelMapping.trim() && parseModelMapping(values.modelMapping) === null) errors.modelMapping = 'validation.modelMapping';
  if (values.egressProxy.trim() && !isProxyUrl(values.egressProxy.trim())) errors.egressProxy = 'validation.proxyUrl';
  return errors;
}

/**
 * The createAccount / updateAccount input. Only fields of the chosen platform are sent; on edit,
 * blank secrets are omitted so the stored credentials stay untouched.
 */
export function buildAccountInput(values: AccountFormValues, mode: 'create'): CreateAccountInput;
export function buildAccountInput(values: AccountFormValues, mode: 'edit'): UpdateAccountInput;
export function buildAccountInput(values: AccountFormValues, mode: 'create' | 'edit'): CreateAccountInput | UpdateAccountInput {
  const platform = values.platform as PlatformEnum;
  const spec = PLATFORM_SPECS[platform];
  const input: Record<string, unknown> = {
    name: values.name.trim(),
    priority: Number(values.priority.trim()),
    concurrency: values.concurrency.trim() ? Number(values.concurrency.trim()) : null,
    // Empty turns scheduled probes off (null), on create and on edit alike.
    probeIntervalSeconds: values.probeIntervalSeconds.trim() ? Number(values.probeIntervalSeconds.trim()) : null,
    models: values.models.trim() ? parseList(values.models) : null,
  };
  if (mode === 'create') input.platform = platform;
  for (const field of spec.fields) {
    const v = values[field].trim();
    if (field === 'baseUrl') input.baseUrl = v || null;
    else if (v) input[field] = v;
  }
  // On edit an emptied mapping is sent as {} so that clearing the box removes the mapping.
  if (values.modelMapping.trim()) input.modelMapping = parseModelMapping(values.modelMapping);
  else if (mode === 'edit') input.modelMapping = {};
  if (values.egressProxy.trim()) input.egressProxy = values.egressProxy.trim();
  // Built field by field from PLATFORM_SPECS (names shared with the schema's inputs); the
  // overloads give callers the schema's input type.
  return input as CreateAccountInput | UpdateAccountInput;
}
