import {
  GraphQLError, Kind, getOperationAST, type ASTVisitor, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema,
  type SelectionSetNode, type ValidationContext, type ValidationRule,
} from 'graphql';
import { createRequire } from 'node:module';
import { hotKeys } from '@relay/core';
import type { HotStore } from '@relay/hot-store';
import type { ControlPlaneConfig } from '../config.ts';
import { ErrorCode } from './errors.ts';
import { workEstimator } from './cost.ts';

// Loaded through require on purpose: these packages' ESM builds import graphql/index.mjs, a second
// copy of graphql next to the CJS one Node gives everyone else (schemas cannot cross between
// the two), and Node does not see named exports in their CJS builds.
const require = createRequire(import.meta.url);
const { getComplexity } = require('graphql-query-complexity') as typeof import('graphql-query-complexity');
const { ApolloArmor } = require('@escape.tech/graphql-armor') as typeof import('@escape.tech/graphql-armor');

/** Which bound an operation broke: `extensions.limit` of a LIMIT_EXCEEDED refusal. */
export type LimitName = 'DEPTH' | 'ALIASES' | 'DIRECTIVES' | 'TOKENS' | 'COST' | 'COST_BUDGET';

/** The bounds every GraphQL operation (HTTP or WebSocket) must stay within. */
export interface GraphqlLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  /** Highest cost of one operation (cost.ts points). */
  maxCost: number;
  /** Cost one caller may spend per minute across all requests and control planes. */
  costPerMinute: number;
}

/** The GraphQL bounds from the control plane's configuration. */
export function graphqlLimitsOf(config: ControlPlaneConfig): GraphqlLimits {
  return {
    maxDepth: config.graphqlMaxDepth,
    maxAliases: config.graphqlMaxAliases,
    maxDirectives: config.graphqlMaxDirectives,
    maxTokens: config.graphqlMaxTokens,
    maxCost: config.graphqlMaxCost,
    costPerMinute: config.graphqlCostPerMinute,
  };
}

function limitError(message: string, limit: LimitName, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.LIMIT_EXCEEDED, limit, ...extra } });
}

/**
 * Selection depth of an operation, following fragments. Introspection fields (`__schema`, …) are
 * not counted: tools send a deep standard introspection query that is cheap to answer.
 */
function depthOf(selectionSet: SelectionSetNode | undefined, fragments: Record<string, FragmentDefinitionNode>, seen: Set<string>): number {
  if (!selectionSet) return 0;
  let max = 0;
  for (const sel of selectionSet.selections) {
    let d = 0;
    if (sel.kind === Kind.FIELD) {
      if (sel.name.value.startsWith('__')) continue;
      d = sel.selectionSet ? 1 + depthOf(sel.selectionSet, fragments, seen) : 1;
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      d = depthOf(sel.selectionSet, fragments, seen);
    } else {
      const name = sel.name.value;
      const frag = fragments[name];
      if (!frag || seen.has(name)) continue; // cycles are reported by NoFragmentCyclesRule
      seen.add(name);
      d = depthOf(frag.selectionSet, fragments, seen);
      seen.delete(name);
    }
    if (d > max) max = d;
  }
  return max;
}

/** Validation rule: rejects operations nested deeper than `maxDepth` fields (code LIMIT_EXCEEDED). */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
    }
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, fragments, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`Query is too deep: depth ${depth} exceeds the limit of ${maxDepth}`, {
              nodes: [node],
              extensions: { code: ErrorCode.LIMIT_EXCEEDED, limit: 'DEPTH', depth, maxDepth },
            }),
          );
        }
      },
    };
  };
}

/**
 * graphql-armor's protections: aliases and directives per operation (reported as LIMIT_EXCEEDED
 * with `limit`, instead of armor's BAD_USER_INPUT) and no "Did you mean …" field suggestions, which
 * would spell out the schema when introspection is off. Depth is our own rule (it skips
 * introspection fields the same way on both transports); tokens are bounded by the parser
 * (`maxTokensParseOptions`), cost by `CostGate`.
 */
export function armorProtection(limits: GraphqlLimits): { validationRules: ValidationRule[]; plugins: ReturnType<InstanceType<typeof ApolloArmor>['protect']>['plugins'] } {
  const report = (limit: LimitName, max: number) => (ctx: ValidationContext | null, error: GraphQLError) => {
    const found = Number(/found (\d+)/.exec(error.message)?.[1] ?? NaN);
    ctx?.reportError(limitError(`Too many ${limit.toLowerCase()}: ${found} exceeds the limit of ${max}`, limit, { max, found }));
  };
  const armor = new ApolloArmor({
    costLimit: { enabled: false },
    maxDepth: { enabled: false },
    maxTokens: { enabled: false },
    maxAliases: { n: limits.maxAliases, exposeLimits: true, propagateOnRejection: false, onReject: [report('ALIASES', limits.maxAliases)] },
    maxDirectives: { n: limits.maxDirectives, exposeLimits: true, propagateOnRejection: false, onReject: [report('DIRECTIVES', limits.maxDirectives)] },
    blockFieldSuggestion: { enabled: true },
  });
  const { validationRules, plugins } = armor.protect();
  return { validationRules: [depthLimitRule(limits.maxDepth), ...validationRules], plugins };
}

/** graphql-js parse options: parsing stops after `maxTokens` tokens (see `isTokenLimitError`). */
export function maxTokensParseOptions(limits: GraphqlLimits): { maxTokens: number } {
  return { maxTokens: limits.maxTokens };
}

/** True for graphql-js's "Document contains more than N tokens" parse error (16.x spells it "more that"). */
export function isTokenLimitError(message: string): boolean {
  return /^Syntax Error: Document contains more th(?:an|at) \d+ tokens/.test(message);
}

/** The estimated cost (cost.ts points) of the operation that will run, or null when variables do not coerce. */
export function estimateCost(opts: { schema: GraphQLSchema; document: DocumentNode; operationName?: string | null; variables?: Record<string, unknown> | null }): number | null {
  if (!getOperationAST(opts.document, opts.operationName ?? undefined)) return null;
  try {
    return getComplexity({
      schema: opts.schema,
      query: opts.document,
      operationName: opts.operationName ?? undefined,
      variables: opts.variables ?? {},
      estimators: [workEstimator(opts.schema)],
    });
  } catch {
    // Variables that do not coerce (an unknown enum value, a wrong type) make the estimator throw a
    // code-less error that Apollo would turn into a 500. Leave them to the normal variable coercion,
    // which answers BAD_USER_INPUT naming the variable; nothing has executed yet.
    return null;
  }
}

const MINUTE_MS = 60_000;

/**
 * Prices an operation before it runs and charges it to its caller: refused above `maxCost` for
 * one operation, or when the caller's spending in the current minute would pass `costPerMinute`.
 * The minute counters live in the hot store (Redis: shared by every control plane), keyed by user
 * id, or by client address for anonymous calls (login). A refusal spends nothing.
 */
export class CostGate {
  constructor(
    private readonly store: HotStore,
    private readonly limits: GraphqlLimits,
  ) {}

  /** Throws a LIMIT_EXCEEDED GraphQLError (limit COST or COST_BUDGET) instead of letting the operation run. */
  async admit(op: { schema: GraphQLSchema; document: DocumentNode; operationName?: string | null; variables?: Record<string, unknown> | null }, caller: { userId?: number; ip: string | null }): Promise<void> {
    const cost = estimateCost(op);
    if (cost === null || cost === 0) return;
    const { maxCost, costPerMinute } = this.limits;
    if (cost > maxCost) {
      throw limitError(`Query is too expensive: estimated cost ${cost} exceeds the limit of ${maxCost}`, 'COST', { cost, maxCost });
    }
    const who = caller.userId !== undefined ? `u:${caller.userId}` : `ip:${caller.ip ?? 'unknown'}`;
    const now = Date.now();
    const window = Math.floor(now / MINUTE_MS);
    const r = await this.store.admit([{ kind: 'window', key: hotKeys.graphqlCost(who, window), windowMs: MINUTE_MS, limit: costPerMinute, cost }], now);
    if (!r.ok) {
      const retryAfterSeconds = Math.max(1, Math.ceil(r.retryAfterMs / 1000));
      throw limitError(
        `GraphQL budget used up: this query costs ${cost}, ${r.current} of ${costPerMinute} per minute already spent; try again in ${retryAfterSeconds} s`,
        'COST_BUDGET',
        { cost, spent: r.current, costPerMinute, retryAfterSeconds },
      );
    }
  }
}
