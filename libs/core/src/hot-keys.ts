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
  /** Streams. */
  usageStream: '{usage}:stream',
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
