import { graphql, type ResultOf } from '../graphql.ts';

/** Every account's requests, tokens, cost and errors over [since, until) (admins). */
export const ACCOUNT_USAGE_QUERY = graphql(`
  query AccountUsage($since: DateTime!, $until: DateTime!) {
    accountUsage(since: $since, until: $until) {
      accountId
      requests
      totalTokens
      cost
      baseCost
      errors
    }
  }
`);

/** One account's figures. */
export type AccountUsage = ResultOf<typeof ACCOUNT_USAGE_QUERY>['accountUsage'][number];
