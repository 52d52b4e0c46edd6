import { graphql, type ResultOf } from '../graphql.ts';

/** One request as a user may see it: rated costs only, never base cost or price rate. */
export const USAGE_RECORD_FIELDS = graphql(`
  fragment UsageRecordFields on UsageRecord {
    requestId
    createdAt
    model
    platform
    apiKeyId
    stream
    status
    inputTokens
    outputTokens
    cacheCreationInputTokens
    cacheReadInputTokens
    totalTokens
    inputCost
    outputCost
    totalCost
    latencyMs
    firstTokenMs
  }
`);

/** One request as a user sees it. */
export type UsageRecord = ResultOf<typeof USAGE_RECORD_FIELDS>;
