import { graphql, type ResultOf } from '../graphql.ts';

/** One event per finished proxied request (admins see all, users only their own). */
export const REQUEST_LOGGED_SUBSCRIPTION = graphql(`
  subscription RequestLogged($filter: RequestLoggedFilter) {
    requestLogged(filter: $filter) {
      requestId
      createdAt
      apiKeyId
      model
      platform
      stream
      status
      totalTokens
      totalCost
      latencyMs
    }
  }
`);

/** One finished request as the live log shows it. */
export type LiveLogEntry = ResultOf<typeof REQUEST_LOGGED_SUBSCRIPTION>['requestLogged'];
