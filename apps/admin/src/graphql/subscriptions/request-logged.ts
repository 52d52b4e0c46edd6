import { gql } from 'urql';

/** One event per finished proxied request (admins see all, users only their own). */
export const REQUEST_LOGGED_SUBSCRIPTION = gql`
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
`;
