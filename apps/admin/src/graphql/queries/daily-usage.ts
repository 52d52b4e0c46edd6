import { graphql, type ResultOf } from '../graphql.ts';

/** Per-day totals between two days (inclusive, YYYY-MM-DD). */
export const DAILY_USAGE_QUERY = graphql(`
  query DailyUsage($from: String!, $to: String!) {
    dailyUsage(from: $from, to: $to) {
      day
      requests
      totalTokens
      cost
    }
  }
`);

/** One day's totals; `day` is YYYY-MM-DD in the server's usage time zone. */
export type DailyUsage = ResultOf<typeof DAILY_USAGE_QUERY>['dailyUsage'][number];
