import { gql } from 'urql';

/** Per-model totals with each model’s share of the cost. */
export const USAGE_BY_MODEL_QUERY = gql`
  query UsageByModel($from: String!, $to: String!) {
    usageByModel(from: $from, to: $to) {
      model
      requests
      totalTokens
      cost
      costShare
    }
  }
`;
