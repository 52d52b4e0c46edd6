import { gql } from 'urql';

/** Per-day totals between two days (inclusive, YYYY-MM-DD). */
export const DAILY_USAGE_QUERY = gql`
  query DailyUsage($from: String!, $to: String!) {
    dailyUsage(from: $from, to: $to) {
      day
      requests
      totalTokens
      cost
    }
  }
`;
