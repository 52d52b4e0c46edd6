// `pnpm deps:check` guards the package boundaries (.dependency-cruiser.cjs). This writes files that
// break them into apps/control-plane, runs the check, and expects it to fail naming each rule; so
// removing a rule (or the check's failing exit) fails this test. The probes are removed even when
// an assertion fails.
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

/** Runs the check; resolves with its exit code and output whether it passes or fails. */
async function depsCheck(): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, ['scripts/deps-check.mjs'], { cwd: root });
    return { code: 0, stdout };
  } catch (e) {
    const err = e as { code?: number; stdout?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '' };
  }
}

describe('pnpm deps:check', () => {
  it('fails on a deep import into another package and on the control plane importing the proxy', async () => {
    const tag = `${process.pid}-${Date.now()}`;
    const deep = `apps/control-plane/src/import-graph-probe-deep-${tag}.ts`;
    const proxy = `apps/control-plane/src/import-graph-probe-proxy-${tag}.ts`;
    try {
      writeFileSync(`${root}${deep}`, "import { SseDecoder } from '../../../libs/upstreams/src/sse-decoder.ts';\nexport const probe = SseDecoder;\n");
      writeFileSync(`${root}${proxy}`, "import { createProxy } from '../../proxy/src/index.ts';\nexport const probe = createProxy;\n");
      const { code, stdout } = await depsCheck();
      expect(code).toBe(1);
      expect(stdout).toContain(`error no-deep-imports: ${deep} → libs/upstreams/src/sse-decoder.ts`);
      expect(stdout).toContain(`error control-plane-not-proxy: ${proxy} → apps/proxy/src/index.ts`);
      // Every violation is one of the probes': the rest of the workspace passes the same check.
      const errors = stdout.split('\n').filter((l) => l.startsWith('error '));
      expect(errors.filter((l) => !l.includes('import-graph-probe-'))).toEqual([]);
    } finally {
      rmSync(`${root}${deep}`, { force: true });
      rmSync(`${root}${proxy}`, { force: true });
    }
  }, 120_000);
});
