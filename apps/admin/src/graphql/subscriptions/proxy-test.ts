import { graphql, type ResultOf } from '../graphql.ts';

/** Sends a prompt through an account and streams the answer back: STARTED, TEXT pieces, then DONE or ERROR (admins only). */
export const PROXY_TEST_SUBSCRIPTION = graphql(`
  subscription ProxyTest($accountId: ID!, $model: String!, $prompt: String!) {
    proxyTest(accountId: $accountId, model: $model, prompt: $prompt) {
      kind
      text
      status
      latencyMs
      firstTokenMs
      error
    }
  }
`);

/** One step of a streamed proxy test. */
export type ProxyTestEvent = ResultOf<typeof PROXY_TEST_SUBSCRIPTION>['proxyTest'];
