import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeLogger, createLogger, formatPrettyLine } from './logger.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function readLogFiles(dataDir: string): string {
  const logs = join(dataDir, 'logs');
  return readdirSync(logs)
    .filter((f) => f.endsWith('.log'))
    .map((f) => readFileSync(join(logs, f), 'utf8'))
    .join('');
}

describe('createLogger', () => {
  it('writes JSON lines to <dataDir>/logs/<name>.*.log and never the secrets in them', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-log-'));
    dirs.push(dataDir);
    const logger = createLogger({ name: 'proxy', dataDir, pretty: false });
    logger.info(
      {
        apiKey: 'sk-relay-TOPSECRET1',
        account: { credentials: 'sk-ant-TOPSECRET2', name: 'main' },
        req: { headers: { authorization: 'Bearer TOPSECRET3', 'x-api-key': 'TOPSECRET4', 'user-agent': 'curl/8' } },
        user: { password: 'TOPSECRET5' },
      },
      'request done',
    );
    await closeLogger(logger);

    expect(readdirSync(join(dataDir, 'logs')).some((f) => /^proxy\.\d+\.log$/.test(f))).toBe(true);
    const text = readLogFiles(dataDir);
    expect(text).not.toMatch(/TOPSECRET/);
    const line = JSON.parse(text.trim().split('\n').at(-1)!);
    expect(line).toMatchObject({
      msg: 'request done',
      name: 'proxy',
      apiKey: '[redacted]',
      account: { credentials: '[redacted]', name: 'main' },
      req: { headers: { authorization: '[redacted]', 'x-api-key': '[redacted]', 'user-agent': 'curl/8' } },
    });
    expect(typeof line.time).toBe('string');
  });

  it('respects the level: debug lines are dropped at info', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-log-'));
    dirs.push(dataDir);
    const logger = createLogger({ name: 'cp', dataDir, pretty: false, level: 'info' });
    logger.debug('hidden line');
    logger.warn('shown line');
    await closeLogger(logger);
    const text = readLogFiles(dataDir);
    expect(text).toContain('shown line');
    expect(text).not.toContain('hidden line');
  });
});

describe('formatPrettyLine', () => {
  it('renders time, level, message and key=value fields on one line', () => {
    const out = formatPrettyLine(
      JSON.stringify({ level: 40, time: '2025-01-02T03:04:05.678Z', name: 'proxy', msg: 'slow upstream', account: 'a 1', ms: 1200 }),
    );
    expect(out).toBe('03:04:05.678 WARN  slow upstream account="a 1" ms=1200\n');
  });
});
