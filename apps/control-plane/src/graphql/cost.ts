import { isObjectType, type GraphQLSchema } from 'graphql';
import type { ComplexityEstimator, ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './pagination.ts';

/**
 * What each GraphQL root field costs, in points of work. One point is about one indexed
 * database query or one hot-store round trip (≈ 1 ms on a quiet machine). Root fields are the only
 * ones that do I/O (no field resolvers below them), so every other field is free: aliases, depth
 * and tokens are bounded separately (limits.ts). A new root field must be priced here — a test
 * fails for one that is not.
 */
const LOOKUP = 1; // one row by key, or one hot-store read
const OWN_LIST = 2; // the caller's own small list (keys, tokens)
const TABLE = 5; // a whole small table, unpaged (accounts, prices)
const WRITE = 5; // a mutation: a few rows, the audit row, often a snapshot rebuild
const PASSWORD = 15; // scrypt (~50 ms of CPU) plus writes
const UPSTREAM = 20; // a call to an upstream provider or OAuth server
/** Sums over the daily rollups of a scope: several aggregate scans, far more than a lookup. */
const USAGE_AGGREGATE = 20;
/** A page of rows: the query and its count, then a point per 10 rows the page may hold. */
const PAGE_BASE = 2;
/** Raw request logs are the largest table: counting a filtered page scans more. */
const REQUEST_LOG_PAGE_BASE = 5;

/** Price of a paged list: the base plus one point per 10 rows of `page.limit` (default page 50). */
function paged(base: number) {
  return ({ args }: ComplexityEstimatorArgs): number => {
    const limit = Number((args.page as { limit?: number } | undefined)?.limit ?? DEFAULT_PAGE_LIMIT);
    return base + Math.ceil(Math.max(1, Math.min(limit, MAX_PAGE_LIMIT)) / 10);
  };
}

type Price = number | ((args: ComplexityEstimatorArgs) => number);

/** Prices of root fields, by operation type and field name. */
export const ROOT_FIELD_COST: Record<'Query' | 'Mutation' | 'Subscription', Record<string, Price>> = {
  Query: {
    me: LOOKUP, user: LOOKUP, account: LOOKUP, configVersion: LOOKUP,
    accessTokens: OWN_LIST, myApiKeys: OWN_LIST,
    accounts: TABLE, accountGroups: TABLE, modelPrices: TABLE, alertChannels: TABLE, alertDeliveries: paged(PAGE_BASE),
    usageSummary: USAGE_AGGREGATE, userUsageSummary: USAGE_AGGREGATE, usageStats: USAGE_AGGREGATE,
    dailyUsage: USAGE_AGGREGATE, monthlyUsage: USAGE_AGGREGATE, usageByModel: USAGE_AGGREGATE, accountUsage: USAGE_AGGREGATE,
    users: paged(PAGE_BASE), auditLogs: paged(PAGE_BASE), allApiKeys: paged(PAGE_BASE),
    usageRecords: paged(REQUEST_LOG_PAGE_BASE), apiKeyLogs: paged(REQUEST_LOG_PAGE_BASE),
  },
  Mutation: {
    login: PASSWORD, changePassword: 2 * PASSWORD, createUser: PASSWORD, updateUser: PASSWORD,
    logout: LOOKUP, revokeAccessToken: WRITE, createAccessToken: WRITE,
    createAccount: WRITE, updateAccount: WRITE, deleteAccount: WRITE, setAccountSchedulable: WRITE,
    createAccountGroup: WRITE, updateAccountGroup: WRITE, deleteAccountGroup: WRITE,
    createApiKey: WRITE, updateApiKey: WRITE, deleteApiKey: WRITE, setApiKeyEnabled: WRITE,
    deleteUser: WRITE, setUserPriceRates: WRITE, upsertModelPrice: WRITE, deleteModelPrice: WRITE,
    setDefaultModelPrice: WRITE, clearDefaultModelPrice: WRITE,
    // Compares every catalog price (a few hundred rows) with the table and writes the changes.
    syncModelPrices: 4 * WRITE,
    republishConfig: WRITE, createAlertChannel: WRITE, updateAlertChannel: WRITE, deleteAlertChannel: WRITE, sendTestAlert: WRITE, setAllUserPriceRates: 4 * WRITE,
    testAccount: UPSTREAM, startClaudeOAuth: UPSTREAM, completeClaudeOAuth: UPSTREAM, createClaudeAccountFromSessionKey: UPSTREAM,
    // Recomputes every user's counters from all rollups.
  },
  Subscription: { configVersionChanged: LOOKUP, requestLogged: LOOKUP, proxyTest: UPSTREAM },
};

/**
 * graphql-query-complexity estimator: root fields cost their price from ROOT_FIELD_COST (an
 * unpriced root field costs like a whole table, so forgetting one errs on the safe side); every
 * other field is free.
 */
export function workEstimator(schema: GraphQLSchema): ComplexityEstimator {
  const roots = new Map<string, Record<string, Price>>();
  for (const [op, type] of [['Query', schema.getQueryType()], ['Mutation', schema.getMutationType()], ['Subscription', schema.getSubscriptionType()]] as const) {
    if (type) roots.set(type.name, ROOT_FIELD_COST[op]);
  }
  return (args) => {
    const prices = isObjectType(args.type) ? roots.get(args.type.name) : undefined;
    if (!prices) return 0;
    const price = prices[args.field.name] ?? TABLE;
    return typeof price === 'number' ? price : price(args);
  };
}
