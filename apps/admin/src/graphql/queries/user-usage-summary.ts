import { graphql } from '../graphql.ts';

/** Admin: one user's usage totals. */
export const USER_USAGE_SUMMARY_QUERY = graphql(`
  query UserUsageSummary($userId: ID!) {
    userUsageSummary(userId: $userId) {
      totalRequests
      totalTokens
      todayRequests
      todayTokens
      todayCost
      totalCost
    }
  }
`);
