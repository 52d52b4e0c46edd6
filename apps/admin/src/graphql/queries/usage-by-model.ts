import { graphql, type ResultOf } from '../graphql.ts';

/** Per-model totals with each model’s share of the cost. */
export const USAGE_BY_MODEL_QUERY = graphql(`
  query UsageByModel($from: String!, $to: String!) {
    usageByModel(from: $from, to: $to) {
      model
      requests
      totalTokens
      cost
      costShare
    }
  }
`);

/** One model's totals; `costShare` is 0–1. */
export type ModelUsage = ResultOf<typeof USAGE_BY_MODEL_QUERY>['usageByModel'][number];
