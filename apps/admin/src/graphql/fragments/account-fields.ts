import { gql } from 'urql';

/** Account fields shown in the accounts table and form (no credentials: only a hint). */
export const ACCOUNT_FIELDS = gql`
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
  }
`;
