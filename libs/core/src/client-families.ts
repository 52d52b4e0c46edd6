/**
 * Client families an API key may be limited to, recognised by the request's User-Agent. One place
 * for the patterns: the proxy's check, the control plane's validation and the admin's choices.
 *
 * - `claude-code`: Claude Code, `claude-cli/<version> (external, cli)` (also `(external, sdk-ts)` etc.)
 * - `codex`: OpenAI Codex CLI, `codex_cli_rs/<version> (…)` (and `codex_exec/…` for `codex exec`)
 * - `gemini-cli`: Google's Gemini CLI, `GeminiCLI/<version>/<model> (<os>; <arch>)`, interactive or `-p` as
 *   `GeminiCLI-tui/0.61.0/gemini-3.1-pro-preview (linux; x64; terminal)` (what 0.61 sends)
 *
 * "Any client" is no list at all (null): a key without a rule accepts every User-Agent.
 */
export const CLIENT_FAMILIES = ['claude-code', 'codex', 'gemini-cli'] as const;
export type ClientFamily = (typeof CLIENT_FAMILIES)[number];

const PATTERNS: Record<ClientFamily, RegExp> = {
  'claude-code': /^claude-cli\/\d/,
  codex: /^codex_(?:cli_rs|exec)\/\d/,
  'gemini-cli': /^GeminiCLI(?:-[\w-]+)?\/\d/,
};

/** The family a User-Agent belongs to, or null for any other client. */
export function clientFamilyOf(userAgent: string | null | undefined): ClientFamily | null {
  if (!userAgent) return null;
  for (const family of CLIENT_FAMILIES) if (PATTERNS[family].test(userAgent)) return family;
  return null;
}

/** Whether a client may use a key whose rule is `allowed` (null or empty = any client). */
export function clientAllowed(allowed: readonly ClientFamily[] | null | undefined, userAgent: string | null | undefined): boolean {
  if (!allowed || allowed.length === 0) return true;
  const family = clientFamilyOf(userAgent);
  return family !== null && allowed.includes(family);
}

export function isClientFamily(s: string): s is ClientFamily {
  return (CLIENT_FAMILIES as readonly string[]).includes(s);
}
