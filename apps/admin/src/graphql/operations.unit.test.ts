// Contract test: every operation the admin app sends must validate against the committed
// schema.graphql (the control plane's public contract). The type checker already fails on a
// renamed field through gql.tada (schema-drift.test.ts proves it); this test also validates what
// types cannot see (arguments, directives) and guards the rule that no user-facing operation
// selects priceRate, baseCost or an account binding, and that every document is a typed graphql() one.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, print, validate, type DocumentNode } from 'graphql';

const graphqlDir = fileURLToPath(new URL('.', import.meta.url));
const schemaPath = fileURLToPath(new URL('../../../../schema.graphql', import.meta.url));

/** Every exported graphql() document of queries/, mutations/, subscriptions/ (fragments are inlined into them). */
async function loadOperations(): Promise<{ file: string; name: string; doc: DocumentNode }[]> {
  const out: { file: string; name: string; doc: DocumentNode }[] = [];
  for (const folder of ['queries', 'mutations', 'subscriptions']) {
    for (const file of readdirSync(join(graphqlDir, folder)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      const mod = (await import(join(graphqlDir, folder, file))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (value && typeof value === 'object' && (value as DocumentNode).kind === 'Document') out.push({ file: `${folder}/${file}`, name, doc: value as DocumentNode });
      }
    }
  }
  return out;
}

// Admin-only operations may select the private fields; everything else must not.
const ADMIN_ONLY = new Set(['USERS_QUERY', 'SET_USER_PRICE_RATES_MUTATION', 'SET_ALL_USER_PRICE_RATES_MUTATION', 'CREATE_USER_MUTATION', 'UPDATE_USER_MUTATION', 'ALL_API_KEYS_QUERY', 'API_KEY_LOGS_QUERY', 'ACCOUNT_USAGE_QUERY',
  'ACCOUNT_GROUPS_QUERY', 'CREATE_ACCOUNT_GROUP_MUTATION', 'UPDATE_ACCOUNT_GROUP_MUTATION', 'DELETE_ACCOUNT_GROUP_MUTATION']);

describe('admin GraphQL operations', () => {
  it('every operation validates against schema.graphql', async () => {
    const schema = buildSchema(readFileSync(schemaPath, 'utf8'));
    const ops = await loadOperations();
    expect(ops.length).toBeGreaterThan(30);
    const problems = ops.flatMap(({ file, doc }) => validate(schema, doc).map((e) => `${file}: ${e.message}`));
    expect(problems).toEqual([]);
  });

  it('every document and hook call is typed from the schema (no untyped gql, no hand-written generics)', () => {
    const srcDir = join(graphqlDir, '..');
    const files = (readdirSync(srcDir, { recursive: true }) as string[]).filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.test.ts'));
    const untyped = files.filter((f) => {
      const text = readFileSync(join(srcDir, f), 'utf8');
      return /\bgql`|import \{[^}]*\bgql\b[^}]*\} from 'urql'|\b(useQuery|useMutation|useSubscription|subscription|query|mutation)<\{/.test(text);
    });
    expect(untyped).toEqual([]);
  });

  it('user-facing operations never select priceRate, baseCost or account bindings', async () => {
    const ops = await loadOperations();
    const leaking = ops.filter(({ name, doc }) => !ADMIN_ONLY.has(name) && /\b(priceRate|baseCost|accountGroupId|accountIds|accountGroups?)\b/.test(print(doc))).map((o) => o.file);
    expect(leaking).toEqual([]);
  });
});
