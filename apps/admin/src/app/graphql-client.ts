// Builds the urql client: HTTP for queries/mutations, graphql-ws on the same /graphql path for
// subscriptions. The bearer token is read at request time so one client serves one session.
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from 'urql';
import { createClient as createWsClient } from 'graphql-ws';

/** Where the API lives: same origin as the SPA (the control plane serves both). */
export function graphqlHttpUrl(): string {
  return new URL('/graphql', window.location.href).toString();
}

function graphqlWsUrl(): string {
  const url = new URL('/graphql', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** True when any GraphQL error in the result carries extensions.code UNAUTHENTICATED. */
export function isUnauthenticated(error: { graphQLErrors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> } | undefined): boolean {
  return !!error?.graphQLErrors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
}

/**
 * Creates a client for one session. `onSessionExpired` fires when a request made WITH a token is
 * refused as unauthenticated (expired or revoked session), so the app can return to the login page.
 */
export function createGraphqlClient(token: string | null, onSessionExpired: () => void): { client: Client; dispose(): void } {
  const ws = createWsClient({
    url: graphqlWsUrl(),
    lazy: true,
    retryAttempts: 5,
    connectionParams: () => (token ? { authorization: `Bearer ${token}` } : {}),
  });
  const client = new Client({
    url: graphqlHttpUrl(),
    requestPolicy: 'cache-and-network',
    // POST everything: Apollo's CSRF prevention refuses simple GET requests, and POST keeps tokens out of URLs.
    preferGetMethod: false,
    fetchOptions: (): RequestInit => (token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    exchanges: [
      mapExchange({
        onError(error) {
          if (token && isUnauthenticated(error)) onSessionExpired();
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, dispose: () => void ws.dispose() };
}
