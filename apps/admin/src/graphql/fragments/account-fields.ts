import { graphql, type ResultOf } from '../graphql.ts';

/** Account fields shown in the accounts table and form (no credentials: only a hint). */
export const ACCOUNT_FIELDS = graphql(`
  fragment AccountFields on Account {
    id
    name
    platform
    status
    statusReason
    schedulable
    priority
    baseUrl
    credentialHint
    cooldownUntil
    concurrency
    concurrencyInUse
    models
    modelMapping
    region
    deployment
    apiVersion
    egressProxyHint
    tokenExpiresAt
    lastUsedAt
    usageWindows {
      status
      pausedUntil
      fiveHour { utilizationBp status resetsAt }
      sevenDay { utilizationBp status resetsAt }
    }
    probeIntervalSeconds
    lastProbeAt
    lastProbeOk
    lastProbeError
    lastProbeLatencyMs
  }
`);

/** An account as the accounts table and form read it. */
export type Account = ResultOf<typeof ACCOUNT_FIELDS>;
