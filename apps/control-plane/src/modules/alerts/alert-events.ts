/**
 * The facts an operator is told about, as one typed union. Every event has a deterministic `id`:
 * the outbox keeps one delivery per (channel, id), so emitting the same fact twice (two control
 * planes, a redelivered usage batch, a restart) sends it once per channel.
 */
export const ALERT_EVENT_TYPES = [
  'account.error',
  'account.recovered',
  'account.paused',
  'account.resumed',
  'oauth.refresh_failed',
  'key.budget',
  'ingester.lagging',
] as const;

/** An event type a channel can subscribe to. `test` is only sent by "send test". */
export type AlertEventType = (typeof ALERT_EVENT_TYPES)[number];

export type AlertSeverity = 'info' | 'warning' | 'critical';

/** What the outbox stores and every channel format renders. */
export interface AlertEvent {
  /** Dedup id, at most 191 characters; receivers get it as X-Relay-Event-Id. */
  id: string;
  type: AlertEventType | 'test';
  severity: AlertSeverity;
  /** Epoch ms of the fact. */
  at: number;
  /** One line, e.g. "Account max-1 is in ERROR". */
  title: string;
  /** A sentence or two with the details an operator acts on. */
  text: string;
  /** Machine-readable facts for the generic webhook (ids as strings, money in micro-USD). */
  details: Record<string, string | number | boolean | null>;
}

export function isAlertEventType(s: string): s is AlertEventType {
  return (ALERT_EVENT_TYPES as readonly string[]).includes(s);
}

/** Who changed an account's status: a proxy's report, the OAuth refresher, or the scheduled health probe. */
export type AccountStatusSource = 'proxy' | 'oauth-refresh' | 'probe';

interface AccountRef {
  accountId: number;
  accountName: string;
}

const money = (microUsd: number) => `$${(microUsd / 1_000_000).toFixed(2)}`;

/** Builders for each event, so callers never spell an id scheme or a message by hand. */
export const alertEvents = {
  /** An account was taken out of service (`at` distinguishes one ERROR episode from the next). */
  accountError(a: AccountRef & { reason: string; at: number; source: AccountStatusSource }): AlertEvent {
    return {
      id: `account.error:${a.accountId}:${a.at}`, type: 'account.error', severity: 'critical', at: a.at,
      title: `Account ${a.accountName} is in ERROR`,
      text: `Account ${a.accountName} (#${a.accountId}) was taken out of service: ${a.reason}`,
      details: { accountId: String(a.accountId), accountName: a.accountName, reason: a.reason, source: a.source },
    };
  },
  /** An account in ERROR is serving again. */
  accountRecovered(a: AccountRef & { at: number }): AlertEvent {
    return {
      id: `account.recovered:${a.accountId}:${a.at}`, type: 'account.recovered', severity: 'info', at: a.at,
      title: `Account ${a.accountName} recovered`,
      text: `Account ${a.accountName} (#${a.accountId}) is ACTIVE again.`,
      details: { accountId: String(a.accountId), accountName: a.accountName },
    };
  },
  /**
   * An account stopped being scheduled for a while (e.g. a subscription's usage window is spent); `until` is epoch ms or null.
   * The id names the reset when there is one: every proxy reporting the same pause alerts once.
   */
  accountPaused(a: AccountRef & { reason: string; at: number; until: number | null }): AlertEvent {
    const until = a.until === null ? '' : ` until ${new Date(a.until).toISOString()}`;
    return {
      id: `account.paused:${a.accountId}:${a.until ?? a.at}`, type: 'account.paused', severity: 'warning', at: a.at,
      title: `Account ${a.accountName} paused`,
      text: `Account ${a.accountName} (#${a.accountId}) is paused${until}: ${a.reason}`,
      details: { accountId: String(a.accountId), accountName: a.accountName, reason: a.reason, until: a.until === null ? null : new Date(a.until).toISOString() },
    };
  },
  /** A paused account is scheduled again; `pausedUntil` (the reset it waited for) makes the id, like its pause's. */
  accountResumed(a: AccountRef & { at: number; pausedUntil?: number }): AlertEvent {
    return {
      id: `account.resumed:${a.accountId}:${a.pausedUntil ?? a.at}`, type: 'account.resumed', severity: 'info', at: a.at,
      title: `Account ${a.accountName} resumed`,
      text: `Account ${a.accountName} (#${a.accountId}) is scheduled again.`,
      details: { accountId: String(a.accountId), accountName: a.accountName },
    };
  },
  /**
   * A Claude OAuth refresh failed. `credentialsTag` (a hash of the stored credentials) makes the
   * id: a refresher retrying the same refresh token every minute alerts once, not every minute.
   */
  oauthRefreshFailed(a: AccountRef & { reason: string; status: number | null; at: number; credentialsTag: string }): AlertEvent {
    return {
      id: `oauth.refresh_failed:${a.accountId}:${a.credentialsTag}`, type: 'oauth.refresh_failed', severity: 'critical', at: a.at,
      title: `OAuth refresh failed for ${a.accountName}`,
      text: `Refreshing the Claude OAuth token of account ${a.accountName} (#${a.accountId}) failed${a.status === null ? '' : ` (HTTP ${a.status})`}: ${a.reason}`,
      details: { accountId: String(a.accountId), accountName: a.accountName, reason: a.reason, status: a.status },
    };
  },
  /**
   * A key's spending reached `percent` of a limit. `period` is the day (daily limit) or the limit
   * itself (total limit), so each threshold alerts once per day, or once per limit value.
   */
  keyBudget(a: { apiKeyId: number; keyName: string; limit: 'daily' | 'total'; percent: 80 | 100; used: number; limitMicroUsd: number; period: string; at: number }): AlertEvent {
    return {
      id: `key.budget:${a.apiKeyId}:${a.limit}:${a.period}:${a.percent}`, type: 'key.budget', severity: a.percent >= 100 ? 'critical' : 'warning', at: a.at,
      title: `API key ${a.keyName} reached ${a.percent}% of its ${a.limit} limit`,
      text: `API key ${a.keyName} (#${a.apiKeyId}) has used ${money(a.used)} of its ${a.limit} cost limit of ${money(a.limitMicroUsd)}${a.limit === 'daily' ? ` on ${a.period}` : ''}.`,
      details: { apiKeyId: String(a.apiKeyId), keyName: a.keyName, limit: a.limit, percent: a.percent, usedMicroUsd: a.used, limitMicroUsd: a.limitMicroUsd, period: a.period },
    };
  },
  /** The usage stream's unacknowledged entries stayed above the threshold; `hour` (epoch ms of the hour) bounds it to one alert an hour. */
  ingesterLagging(a: { pending: number; threshold: number; seconds: number; at: number }): AlertEvent {
    const hour = Math.floor(a.at / 3_600_000) * 3_600_000;
    return {
      id: `ingester.lagging:${hour}`, type: 'ingester.lagging', severity: 'warning', at: a.at,
      title: 'Usage ingester is lagging',
      text: `${a.pending} usage events have been waiting for more than ${a.seconds} s (threshold ${a.threshold}): usage and budgets are behind.`,
      details: { pending: a.pending, threshold: a.threshold, seconds: a.seconds },
    };
  },
  /** The "send test" button. */
  test(a: { channelId: number; channelName: string; nonce: string; at: number }): AlertEvent {
    return {
      id: `test:${a.channelId}:${a.nonce}`, type: 'test', severity: 'info', at: a.at,
      title: 'Test alert from the relay',
      text: `This is a test of alert channel ${a.channelName}. If you can read this, the channel works.`,
      details: { channelId: String(a.channelId) },
    };
  },
};

/**
 * The alert for an account status change, if any: into ERROR → `account.error`, out of ERROR back
 * to ACTIVE → `account.recovered`; other changes (an admin disabling an account) are not alerts.
 */
export function accountStatusAlert(
  account: { id: number; name: string; status: string; statusReason: string | null },
  before: string,
  at: number,
  source: AccountStatusSource,
): AlertEvent | null {
  const ref = { accountId: account.id, accountName: account.name, at };
  if (account.status === 'ERROR' && before !== 'ERROR') return alertEvents.accountError({ ...ref, reason: account.statusReason ?? 'no reason given', source });
  if (account.status === 'ACTIVE' && before === 'ERROR') return alertEvents.accountRecovered(ref);
  return null;
}
