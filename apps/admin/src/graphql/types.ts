// TypeScript shapes of what the operations in this folder select. They mirror schema.graphql
// (the contract); only the selected fields are listed. Ids are GraphQL ID strings; money is the
// `USD` scalar, a decimal string ("12.345678") that is never turned into a float for arithmetic.

export type Role = 'ADMIN' | 'USER';
export type UserStatus = 'ACTIVE' | 'DISABLED';
export type AccountStatus = 'ACTIVE' | 'DISABLED' | 'ERROR';
export type PlatformEnum = 'CLAUDE_OAUTH' | 'CLAUDE_CONSOLE' | 'CCR' | 'BEDROCK' | 'AZURE_OPENAI' | 'OPENAI' | 'GEMINI';
export const PLATFORM_ENUMS: readonly PlatformEnum[] = ['CLAUDE_OAUTH', 'CLAUDE_CONSOLE', 'CCR', 'BEDROCK', 'AZURE_OPENAI', 'OPENAI', 'GEMINI'];

/** Decimal-string USD amount. */
export type Usd = string;

export interface Paged<T> {
  items: T[];
  total: number;
}

export interface PageInput {
  offset: number;
  limit: number;
}

export interface User {
  id: string;
  username: string;
  role: Role;
  status: UserStatus;
  createdAt: string;
}

/** A user as an admin sees it (includes the private price rate). */
export interface AdminUser extends User {
  priceRate: string;
}

export interface AccessToken {
  id: string;
  name: string;
  tokenPrefix: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

export interface Account {
  id: string;
  name: string;
  platform: PlatformEnum;
  status: AccountStatus;
  statusReason: string | null;
  schedulable: boolean;
  priority: number;
  baseUrl: string | null;
  credentialHint: string;
  cooldownUntil: string | null;
  concurrency: number | null;
  concurrencyInUse: number;
  models: string[] | null;
  modelMapping: Record<string, string>;
  region: string | null;
  deployment: string | null;
  apiVersion: string | null;
  egressProxyHint: string | null;
  tokenExpiresAt: string | null;
  lastUsedAt: string | null;
}

export interface AccountTestResult {
  ok: boolean;
  status: number;
  latencyMs: number;
  text: string;
  error: string | null;
}

export type ProxyTestEventKind = 'STARTED' | 'TEXT' | 'DONE' | 'ERROR';

/** One step of a streamed proxy test (proxyTest subscription). */
export interface ProxyTestEvent {
  kind: ProxyTestEventKind;
  /** TEXT: the new piece; DONE: the whole answer; ERROR: the upstream's message. */
  text: string | null;
  status: number | null;
  latencyMs: number | null;
  firstTokenMs: number | null;
  error: string | null;
}

export interface ApiKey {
  id: string;
  name: string;
  keyPrefix: string;
  enabled: boolean;
  allowedPlatforms: PlatformEnum[] | null;
  allowedModels: string[] | null;
  rpm: number | null;
  tpm: number | null;
  concurrency: number | null;
  dailyCostLimit: Usd | null;
  totalCostLimit: Usd | null;
  expiresAt: string | null;
  requestCount: number;
  tokensUsed: number;
  costUsed: Usd;
  lastUsedAt: string | null;
  createdAt: string;
}

export interface AdminApiKey extends ApiKey {
  owner: { id: string; username: string };
}

export interface ModelPrice {
  id: string;
  model: string;
  platform: PlatformEnum | null;
  input: Usd;
  output: Usd;
  cacheWrite: Usd;
  cacheRead: Usd;
}

export interface UsageSummary {
  totalRequests: number;
  totalTokens: number;
  todayRequests: number;
  todayTokens: number;
  todayCost: Usd;
  totalCost: Usd;
}

export interface DailyUsage {
  /** YYYY-MM-DD in the server's usage time zone. */
  day: string;
  requests: number;
  totalTokens: number;
  cost: Usd;
}

export interface ModelUsage {
  model: string;
  requests: number;
  totalTokens: number;
  cost: Usd;
  /** Share of the range's total cost, 0–1. */
  costShare: number;
}

export interface UsageRecord {
  requestId: string;
  createdAt: string;
  model: string;
  /** Platform id as the proxy names it, e.g. "claude-console"; null when no account was reached. */
  platform: string | null;
  apiKeyId: string;
  stream: boolean;
  status: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
  totalTokens: number;
  inputCost: Usd;
  outputCost: Usd;
  totalCost: Usd;
  latencyMs: number;
  firstTokenMs: number | null;
}

export interface LiveLogEntry {
  requestId: string;
  createdAt: string;
  apiKeyId: string;
  model: string;
  platform: string | null;
  stream: boolean;
  status: number;
  totalTokens: number;
  totalCost: Usd;
  latencyMs: number;
}

export interface AuditLog {
  id: string;
  actorName: string;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  createdAt: string;
}

export type AlertChannelKind = 'WEBHOOK' | 'SLACK' | 'FEISHU' | 'DINGTALK' | 'WECOM';
export const ALERT_CHANNEL_KINDS: readonly AlertChannelKind[] = ['WEBHOOK', 'SLACK', 'FEISHU', 'DINGTALK', 'WECOM'];
export type AlertEventType = 'ACCOUNT_ERROR' | 'ACCOUNT_RECOVERED' | 'ACCOUNT_PAUSED' | 'ACCOUNT_RESUMED' | 'OAUTH_REFRESH_FAILED' | 'KEY_BUDGET' | 'INGESTER_LAGGING';
export const ALERT_EVENT_TYPES: readonly AlertEventType[] = ['ACCOUNT_ERROR', 'ACCOUNT_RECOVERED', 'ACCOUNT_PAUSED', 'ACCOUNT_RESUMED', 'OAUTH_REFRESH_FAILED', 'KEY_BUDGET', 'INGESTER_LAGGING'];
export type AlertDeliveryStatus = 'PENDING' | 'SENDING' | 'DELIVERED' | 'FAILED';

export interface AlertChannel {
  id: string;
  name: string;
  kind: AlertChannelKind;
  urlHint: string;
  signed: boolean;
  enabled: boolean;
  events: AlertEventType[];
  updatedAt: string;
}

export interface AlertDelivery {
  id: string;
  channelId: string;
  channelName: string | null;
  eventId: string;
  eventType: string;
  title: string;
  status: AlertDeliveryStatus;
  attempts: number;
  lastError: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}
