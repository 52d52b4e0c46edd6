import { graphql, type ResultOf } from '../graphql.ts';

/** The caller's usage totals (rated cost only). */
export const USAGE_SUMMARY_QUERY = graphql(`
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
`);

/** Usage totals (rated cost). */
export type UsageSummary = ResultOf<typeof USAGE_SUMMARY_QUERY>['usageSummary'];
