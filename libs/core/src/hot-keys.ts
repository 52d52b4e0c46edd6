/**
 * Logical hot-store key and channel names, in one place. Keys used together in one atomic script
 * share a hash tag (`{…}`) so the same code runs on Redis Cluster. Adapters add their own prefix.
 */
export const hotKeys = {
  /** Fixed-window request counter of an API key. */
  keyRpm: (keyId: string, window: number) => `{k:${keyId}}:rpm:${window}`,
  keyTpm: (keyId: string, window: number) => `{k:${keyId}}:tpm:${window}`,
  keyLeases: (keyId: string) => `{k:${keyId}}:leases`,
  keyCostDay: (keyId: string, day: string) => `{k:${keyId}}:cost:day:${day}`,
  keyCostTotal: (keyId: string) => `{k:${keyId}}:cost:total`,
  accountLeases: (accountId: string) => `{a:${accountId}}:leases`,
  accountCooldown: (accountId: string) => `{a:${accountId}}:cooldown`,
  accountAuthFailures: (accountId: string) => `{a:${accountId}}:authfail`,
  /** Held by the one request probing a half-open circuit breaker (value: its request id). */
  accountProbe: (accountId: string) => `{a:${accountId}}:probe`,
  /** Hash of a Claude subscription account's usage windows (fields: `encodeUsageWindows`). */
  accountWindows: (accountId: string) => `{a:${accountId}}:windows`,
  accountRefreshLock: (accountId: string) => `{a:${accountId}}:refresh`,
  /** Held (TTL = the account's probe interval) by the control plane that runs its scheduled health probe. */
  accountProbeLease: (accountId: string) => `{a:${accountId}}:probe-lease`,
  /** Settlement mark of a request billed by the orphan reaper: a replayed checkpoint never settles twice. */
  keySettled: (keyId: string, requestId: string) => `{k:${keyId}}:settled:${requestId}`,
  sticky: (sessionHash: string) => `{s:${sessionHash}}:sticky`,
  /** GraphQL cost spent in one minute window by one caller (`u:<userId>` or `ip:<address>`). */
  graphqlCost: (caller: string, window: number) => `{g:${caller}}:cost:${window}`,
  /** Failed logins for one (username, client address) and the time until which it must wait. */
  loginFailures: (username: string, ip: string) => `{l:${username}}:fail:${ip}`,
  loginWaitUntil: (username: string, ip: string) => `{l:${username}}:wait:${ip}`,
  /** A live proxy instance's heartbeat (short TTL). Its keys share `{p:<instance>}`. */
  proxyAlive: (instanceId: string) => `{p:${instanceId}}:alive`,
  /** Hash of the instance's in-flight request checkpoints: requestId → encoded InflightCheckpoint. */
  proxyInflight: (instanceId: string) => `{p:${instanceId}}:inflight`,
  /** Lock of the control plane that is billing a dead instance's orphans. */
  proxyReaper: (instanceId: string) => `{p:${instanceId}}:reaper`,
  /** Hash of every proxy instance that ever checkpointed: instanceId → last heartbeat (epoch ms). */
  proxyInstances: '{proxies}:instances',
  /**
   * Usage stream partition `i` (0 ≤ i < USAGE_STREAM_PARTITIONS); each has a hash tag of its own, so
   * on a Redis Cluster the partitions spread over the shards. Producers pick one with usageStreamFor.
   */
  usagePartition: (i: number) => `{usage:${i}}:stream`,
  /**
   * The single usage stream of releases before partitions. Nothing current writes it; ingesters keep
   * draining it (see allUsageStreams), so events a not yet upgraded proxy appended are billed.
   */
  usageStream: '{usage}:stream',
  /** The highest USAGE_STREAM_PARTITIONS any process announced: ingesters read that many partitions. */
  usagePartitionCount: '{usage}:partitions',
  /** Streams. */
  proxyEventStream: '{events}:proxy',
} as const;

export const hotChannels = {
  /** Payload: the new snapshot version as a decimal string. */
  snapshotChanged: 'cfg:changed',
  /** Payload: an encoded UsageEvent, for live request logs. */
  liveLogs: 'logs:live',
  /**
   * Payload: JSON { accountId, until, reason, breaker? } so every proxy learns a cooldown at once;
   * `breaker: 'open'` marks a circuit breaker that opened (one probe after `until`),
   * `breaker: 'closed'` (no `until`) one whose probe succeeded, `cleared: true` an account the
   * control plane's health probe recovered (cooldown and breaker dropped).
   */
  cooldowns: 'acct:cooldown',
  /** Payload: JSON { accountId, fields } — an account's usage-window hash as just written, so every proxy schedules by it. */
  accountWindows: 'acct:windows',
} as const;

export const USAGE_GROUP = 'ingester';
export const PROXY_EVENTS_GROUP = 'control-plane';

/** USAGE_STREAM_PARTITIONS when unset. */
export const DEFAULT_USAGE_STREAM_PARTITIONS = 8;
/** Upper bound of USAGE_STREAM_PARTITIONS (an ingester issues one read per partition). */
export const MAX_USAGE_STREAM_PARTITIONS = 256;

/** FNV-1a (32 bit) of a string's UTF-16 code units: stable across processes and releases. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The partition (0 ≤ p < partitions) a request's usage event goes to: a hash of its request id. */
export function usagePartitionOf(requestId: string, partitions: number): number {
  return fnv1a(requestId) % partitions;
}

/** The usage stream key a request's event is appended to. */
export function usageStreamFor(requestId: string, partitions: number): string {
  return hotKeys.usagePartition(usagePartitionOf(requestId, partitions));
}

/** Every usage stream an ingester reads: partitions 0..partitions-1, then the pre-partition stream. */
export function allUsageStreams(partitions: number): string[] {
  return [...Array.from({ length: partitions }, (_, i) => hotKeys.usagePartition(i)), hotKeys.usageStream];
}
