import { graphql, type ResultOf } from '../graphql.ts';

/** An API key as its owner sees it (the secret itself is never readable after creation). */
export const API_KEY_FIELDS = graphql(`
  fragment ApiKeyFields on ApiKey {
    id
    name
    keyPrefix
    enabled
    allowedPlatforms
    allowedModels
    rpm
    tpm
    concurrency
    dailyCostLimit
    totalCostLimit
    expiresAt
    modelMapping {
      from
      to
    }
    allowedClients
    requestCount
    tokensUsed
    costUsed
    lastUsedAt
    createdAt
  }
`);

/** An API key as its owner sees it. */
export type ApiKey = ResultOf<typeof API_KEY_FIELDS>;
