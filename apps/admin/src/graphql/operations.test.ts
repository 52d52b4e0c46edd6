// Contract test: every operation the admin app sends must validate against the committed
// schema.graphql (the control plane's public contract). A renamed field or input type in the
// API fails here instead of as a broken page in the browser. Also guards the rule that no
// user-facing operation selects priceRate or baseCost.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, print, validate, type DocumentNode } from 'graphql';

const graphqlDir = fileURLToPath(new URL('.', import.meta.url));
const schemaPath = fileURLToPath(new URL('../../../../schema.graphql', import.meta.url));

/** Every exported gql document of queries/, mutations/, subscriptions/. */
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
const ADMIN_ONLY = new Set(['USERS_QUERY', 'SET_USER_PRICE_RATES_MUTATION', 'SET_ALL_USER_PRICE_RATES_MUTATION', 'CREATE_USER_MUTATION', 'UPDATE_USER_MUTATION', 'ALL_API_KEYS_QUERY', 'API_KEY_LOGS_QUERY']);

describe('admin GraphQL operations', () => {
  it('every operation validates against schema.graphql', async () => {
    const schema = buildSchema(readFileSync(schemaPath, 'utf8'));
    const ops = await loadOperations();
    expect(ops.length).toBeGreaterThan(30);
    const problems = ops.flatMap(({ file, doc }) => validate(schema, doc).map((e) => `${file}: ${e.message}`));
    expect(problems).toEqual([]);
  });

  it('user-facing operations never select priceRate or baseCost', async () => {
    const ops = await loadOperations();
    const leaking = ops.filter(({ name, doc }) => !ADMIN_ONLY.has(name) && /\b(priceRate|baseCost)\b/.test(print(doc))).map((o) => o.file);
    expect(leaking).toEqual([]);
  });
});
