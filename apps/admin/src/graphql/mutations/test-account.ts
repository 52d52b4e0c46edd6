import { gql } from 'urql';

/** Sends one small request through the account and reports what came back. */
export const TEST_ACCOUNT_MUTATION = gql`
  mutation TestAccount($id: ID!, $model: String!) {
    testAccount(id: $id, model: $model) {
      ok
      status
      latencyMs
      text
      error
    }
  }
`;
