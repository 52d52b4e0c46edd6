/**
 * Upstream platform ids. The id is the folder name of the proxy adapter
 * (`libs/upstreams/src/<id>/`) and the GraphQL enum value upper-snake-cased.
 */
export const PLATFORMS = ['claude-oauth', 'claude-console', 'ccr', 'bedrock', 'azure-openai', 'openai', 'gemini'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** The three client/upstream wire formats the platform speaks and translates between. */
export const WIRE_FORMATS = ['anthropic', 'openai', 'gemini'] as const;
export type WireFormat = (typeof WIRE_FORMATS)[number];

/** Which wire format an upstream platform speaks (Bedrock carries the Anthropic body). */
export const PLATFORM_FORMAT: Readonly<Record<Platform, WireFormat>> = {
  'claude-oauth': 'anthropic',
  'claude-console': 'anthropic',
  ccr: 'anthropic',
  bedrock: 'anthropic',
  'azure-openai': 'openai',
  openai: 'openai',
  gemini: 'gemini',
};

export function isPlatform(v: unknown): v is Platform {
  return typeof v === 'string' && (PLATFORMS as readonly string[]).includes(v);
}

/** `claude-oauth` → `CLAUDE_OAUTH` (GraphQL enum name). */
export function platformToEnum(p: Platform): string {
  return p.toUpperCase().replace(/-/g, '_');
}

/** `CLAUDE_OAUTH` → `claude-oauth`; undefined for an unknown name. */
export function platformFromEnum(name: string): Platform | undefined {
  const id = name.toLowerCase().replace(/_/g, '-');
  return isPlatform(id) ? id : undefined;
}

/**
 * The model family a model name belongs to, which decides which wire formats can serve it
 * natively. Accounts may still list any model explicitly (supportedModels / modelMapping).
 */
export function modelFamily(model: string): WireFormat | undefined {
  const m = model.toLowerCase();
  if (m.startsWith('claude') || m.startsWith('anthropic.') || m.includes('.anthropic.')) return 'anthropic';
  if (m.startsWith('gemini') || m.startsWith('models/gemini')) return 'gemini';
  if (/^(gpt|o\d|chatgpt|text-embedding|davinci|babbage)/.test(m)) return 'openai';
  return undefined;
}
