import {
  GraphQLError, Kind, getOperationAST, type ASTVisitor, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema,
  type SelectionSetNode, type ValidationContext, type ValidationRule,
} from 'graphql';
import { createRequire } from 'node:module';

// Loaded through require on purpose: the package's ESM build imports graphql/index.mjs, a second
// copy of graphql next to the CJS one Node gives everyone else (schemas cannot cross between
// the two), and Node does not see named exports in its CJS build.
const { fieldExtensionsEstimator, getComplexity, simpleEstimator } = createRequire(import.meta.url)(
  'graphql-query-complexity',
) as typeof import('graphql-query-complexity');
import { ErrorCode } from './errors.ts';

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
              extensions: { code: ErrorCode.LIMIT_EXCEEDED, depth, maxDepth },
            }),
          );
        }
      },
    };
  };
}

/**
 * Estimated cost of the operation that will run: 1 per field, list queries multiplied by their
 * page size (fields declare `complexity`). Throws LIMIT_EXCEEDED above `maxCost`.
 */
export function assertCostWithinLimit(opts: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  maxCost: number;
}): void {
  const op = getOperationAST(opts.document, opts.operationName ?? undefined);
  if (!op) return;
  let cost: number;
  try {
    cost = getComplexity({
      schema: opts.schema,
      query: opts.document,
      operationName: opts.operationName ?? undefined,
      variables: opts.variables ?? {},
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch {
    // Variables that do not coerce (an unknown enum value, a wrong type) make the estimator throw a
    // code-less error that Apollo would turn into a 500. Leave them to the normal variable coercion,
    // which answers BAD_USER_INPUT naming the variable; nothing has executed yet.
    return;
  }
  if (cost > opts.maxCost) {
    throw new GraphQLError(`Query is too expensive: estimated cost ${cost} exceeds the limit of ${opts.maxCost}`, {
      extensions: { code: ErrorCode.LIMIT_EXCEEDED, cost, maxCost: opts.maxCost, http: { status: 400 } },
    });
  }
}
