import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedRequest } from '@relay/mock-upstream';

const BIN = join(import.meta.dirname, '..', 'node_modules', '.bin');

/** What one CLI run printed. */
export interface CliRun { code: number | null; stdout: string; stderr: string }

/** A throw-away home and project directory for one CLI run, so nothing of the machine's own config is read. */
export function tempHome(): { home: string; project: string; cleanup(): void } {
  const home = mkdtempSync(join(tmpdir(), 'relay-agent-'));
  const project = join(home, 'project');
  mkdirSync(project);
  return { home, project, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** Runs an agent CLI from e2e/node_modules/.bin with only the given environment (plus PATH), killed after `timeoutMs`. */
export function runCli(bin: 'claude' | 'gemini', args: string[], opts: { env: Record<string, string>; cwd: string; timeoutMs?: number }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(BIN, bin), args, {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Claude Code's offline environment (STACK.md): its own config dir, no telemetry, updater or other traffic. */
export function claudeEnv(home: string, proxyUrl: string, key: string): Record<string, string> {
  return {
    HOME: home, CLAUDE_CONFIG_DIR: join(home, '.claude'), ANTHROPIC_BASE_URL: proxyUrl, ANTHROPIC_API_KEY: key,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_TELEMETRY: '1', DISABLE_AUTOUPDATER: '1',
  };
}

/** Gemini CLI's environment: API-key auth selected in ~/.gemini/settings.json, the workspace trusted. */
export function geminiEnv(home: string, proxyUrl: string, key: string): Record<string, string> {
  mkdirSync(join(home, '.gemini'), { recursive: true });
  writeFileSync(join(home, '.gemini', 'settings.json'), JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }));
  return { HOME: home, GEMINI_API_KEY: key, GOOGLE_GEMINI_BASE_URL: proxyUrl, GEMINI_CLI_TRUST_WORKSPACE: 'true', NO_COLOR: '1' };
}

/** The output of the tool call a request carries back, in whichever format the upstream speaks; null when it carries none. */
export function toolResultOf(req: RecordedRequest): string | null {
  const b = req.body ?? {};
  if (req.format === 'anthropic') {
    for (const m of b.messages ?? []) {
      for (const c of Array.isArray(m.content) ? m.content : []) {
        if (c.type === 'tool_result') return typeof c.content === 'string' ? c.content : c.content.map((x: any) => x.text ?? '').join('');
      }
    }
  } else if (req.format === 'openai' || req.format === 'azure-openai') {
    const tool = (b.messages ?? []).find((m: any) => m.role === 'tool');
    if (tool) return typeof tool.content === 'string' ? tool.content : tool.content.map((x: any) => x.text ?? '').join('');
  } else if (req.format === 'gemini') {
    for (const c of b.contents ?? []) {
      for (const p of c.parts ?? []) if (p.functionResponse) return JSON.stringify(p.functionResponse.response);
    }
  }
  return null;
}
