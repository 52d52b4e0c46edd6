import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The proxy is the hot path: the lint rule in eslint.config.js must stop it from importing the ORM or
// GraphQL. This lints code as if it were a file in apps/proxy, so removing the rule fails this test.
const root = fileURLToPath(new URL('../../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function errorsFor(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('proxy import boundary', () => {
  it.each(['@mikro-orm/core', 'type-graphql', '@apollo/server', '@relay/db'])('refuses %s in apps/proxy', async (mod) => {
    const errors = await errorsFor(`import * as x from '${mod}';\nexport const y = x;\n`, `${root}/apps/proxy/src/boundary-probe.ts`);
    expect(errors.length).toBe(1);
    expect(errors[0]).toMatch(/hot path/);
  });

  it.each(['@mikro-orm/core', 'type-graphql', '@relay/db'])('refuses %s in libs/upstreams (it runs in the request path)', async (mod) => {
    const errors = await errorsFor(`import * as x from '${mod}';\nexport const y = x;\n`, `${root}/libs/upstreams/src/boundary-probe.ts`);
    expect(errors.length).toBe(1);
    expect(errors[0]).toMatch(/hot path/);
  });

  it('allows the same import in the control plane', async () => {
    const errors = await errorsFor(`import * as x from '@mikro-orm/core';\nexport const y = x;\n`, `${root}/apps/control-plane/src/boundary-probe.ts`);
    expect(errors).toEqual([]);
  });
});
