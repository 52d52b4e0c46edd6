import { gql } from 'urql';

/** The caller's usage totals (rated cost only). */
export const USAGE_SUMMARY_QUERY = gql`
  query UsageSummary {
    usageSummary {
      totalRequests
      totalTokens
      todayRequests
      todayTokens
      todayCost
      totalCost
    }
  }
`;
