// The API key form as pure data: validation (one message per field) and the GraphQL input.
import type { MessageKey } from '../../i18n/en.ts';
import { formatModelMapping, parseList, parseModelMapping } from '../accounts/account-form-model.ts';
import type { ApiKey } from '../../graphql/fragments/api-key-fields.ts';
import type { ClientFamily, PlatformEnum } from '../../graphql/enums.ts';
import type { VariablesOf } from '../../graphql/graphql.ts';
import type { CREATE_API_KEY_MUTATION } from '../../graphql/mutations/create-api-key.ts';

/** The createApiKey input (updateApiKey takes the same fields). */
export type ApiKeyInput = VariablesOf<typeof CREATE_API_KEY_MUTATION>['input'];

export interface ApiKeyFormValues {
  name: string;
  allowedPlatforms: PlatformEnum[];
  allowedModels: string;
  rpm: string;
  tpm: string;
  concurrency: string;
  dailyCostLimit: string;
  totalCostLimit: string;
  /** YYYY-MM-DD (the key works through the end of that day, local time) or ''. */
  expiresAt: string;
  /** One alias per line, `from=to`. */
  modelMapping: string;
  /** None = any client. */
  allowedClients: ClientFamily[];
  /** Admins only: what serves the key (none = its owner's default, else every account). */
  bindingKind: BindingKind;
  accountGroupId: string;
  accountIds: string[];
}

export type BindingKind = 'none' | 'group' | 'accounts';

/** A key's binding as an admin reads it (ALL_API_KEYS_QUERY). */
export interface KeyBinding {
  accountGroupId: string | null;
  accountIds: string[] | null;
}

export type ApiKeyFormErrors = Partial<Record<keyof ApiKeyFormValues, MessageKey>>;

export function emptyApiKeyForm(): ApiKeyFormValues {
  return {
    name: '', allowedPlatforms: [], allowedModels: '', rpm: '', tpm: '', concurrency: '', dailyCostLimit: '', totalCostLimit: '', expiresAt: '',
    modelMapping: '', allowedClients: [], bindingKind: 'none', accountGroupId: '', accountIds: [],
  };
}

function localDay(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function apiKeyToForm(key: ApiKey, binding: KeyBinding | null = null): ApiKeyFormValues {
  const n = (v: number | null) => (v === null ? '' : String(v));
  return {
    name: key.name,
    allowedPlatforms: key.allowedPlatforms ?? [],
    allowedModels: (key.allowedModels ?? []).join(', '),
    rpm: n(key.rpm),
    tpm: n(key.tpm),
    concurrency: n(key.concurrency),
    dailyCostLimit: key.dailyCostLimit ?? '',
    totalCostLimit: key.totalCostLimit ?? '',
    expiresAt: key.expiresAt ? localDay(key.expiresAt) : '',
    modelMapping: formatModelMapping(Object.fromEntries((key.modelMapping ?? []).map((m) => [m.from, m.to]))),
    allowedClients: key.allowedClients ?? [],
    bindingKind: binding?.accountGroupId ? 'group' : binding?.accountIds?.length ? 'accounts' : 'none',
    accountGroupId: binding?.accountGroupId ?? '',
    accountIds: binding?.accountIds ?? [],
  };
}

const USD_PATTERN = /^\d{1,9}(\.\d{1,6})?$/;

/** Validates the form; `today` (YYYY-MM-DD) is injectable for tests. */
export function validateApiKeyForm(values: ApiKeyFormValues, today: string): ApiKeyFormErrors {
  const errors: ApiKeyFormErrors = {};
  if (!values.name.trim()) errors.name = 'validation.required';
  else if (values.name.trim().length > 64) errors.name = 'validation.tooLong';
  for (const field of ['rpm', 'tpm', 'concurrency'] as const) {
    const v = values[field].trim();
    if (v && (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 1_000_000_000)) errors[field] = 'validation.positiveInt';
  }
  for (const field of ['dailyCostLimit', 'totalCostLimit'] as const) {
    const v = values[field].trim();
    if (v && (!USD_PATTERN.test(v) || !/[1-9]/.test(v))) errors[field] = 'validation.usd';
  }
  if (values.expiresAt && (!/^\d{4}-\d{2}-\d{2}$/.test(values.expiresAt) || values.expiresAt < today)) errors.expiresAt = 'validation.futureDate';
  if (values.modelMapping.trim() && parseModelMapping(values.modelMapping) === null) errors.modelMapping = 'validation.modelMapping';
  if (values.bindingKind === 'group' && !values.accountGroupId) errors.accountGroupId = 'validation.required';
  if (values.bindingKind === 'accounts' && values.accountIds.length === 0) errors.accountIds = 'validation.required';
  return errors;
}

/** End of the chosen local day as an ISO timestamp. */
export function endOfLocalDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d, 23, 59, 59, 999).toISOString();
}

/**
 * createApiKey / updateApiKey input; empty limits are sent as null (= no limit). The binding is sent
 * only when `withBinding` (an admin's editor): users may not send it at all.
 */
export function buildApiKeyInput(values: ApiKeyFormValues, withBinding = false): ApiKeyInput {
  const int = (v: string) => (v.trim() ? Number(v.trim()) : null);
  const usd = (v: string) => (v.trim() ? v.trim() : null);
  const models = parseList(values.allowedModels);
  return {
    name: values.name.trim(),
    allowedPlatforms: values.allowedPlatforms.length ? values.allowedPlatforms : null,
    allowedModels: models.length ? models : null,
    rpm: int(values.rpm),
    tpm: int(values.tpm),
    concurrency: int(values.concurrency),
    dailyCostLimit: usd(values.dailyCostLimit),
    totalCostLimit: usd(values.totalCostLimit),
    expiresAt: values.expiresAt ? endOfLocalDay(values.expiresAt) : null,
    modelMapping: Object.entries(parseModelMapping(values.modelMapping) ?? {}).map(([from, to]) => ({ from, to })),
    allowedClients: values.allowedClients.length ? values.allowedClients : null,
    ...(withBinding
      ? {
          accountGroupId: values.bindingKind === 'group' ? values.accountGroupId : null,
          accountIds: values.bindingKind === 'accounts' ? values.accountIds : null,
        }
      : {}),
  };
}
