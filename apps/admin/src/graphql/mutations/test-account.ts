import { graphql, type ResultOf } from '../graphql.ts';

/** Sends one small request through the account and reports what came back. */
export const TEST_ACCOUNT_MUTATION = graphql(`
  mutation TestAccount($id: ID!, $model: String!) {
    testAccount(id: $id, model: $model) {
      ok
      status
      latencyMs
      text
      error
    }
  }
`);

/** What one test request through an account gave. */
export type AccountTestResult = ResultOf<typeof TEST_ACCOUNT_MUTATION>['testAccount'];
