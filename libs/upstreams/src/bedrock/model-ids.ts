/**
 * Anthropic model names → Bedrock inference-profile ids, used when an account has no mapping of
 * its own. Cross-region `us.` profiles are what on-demand Claude 4 models require.
 */
const BUILT_IN: Record<string, string> = {
  'claude-sonnet-4-5-20250929': 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  'claude-haiku-4-5-20251001': 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  'claude-opus-4-1-20250805': 'us.anthropic.claude-opus-4-1-20250805-v1:0',
  'claude-sonnet-4-20250514': 'us.anthropic.claude-sonnet-4-20250514-v1:0',
  'claude-opus-4-20250514': 'us.anthropic.claude-opus-4-20250514-v1:0',
  'claude-3-7-sonnet-20250219': 'us.anthropic.claude-3-7-sonnet-20250219-v1:0',
  'claude-3-5-haiku-20241022': 'us.anthropic.claude-3-5-haiku-20241022-v1:0',
  'claude-3-5-sonnet-20241022': 'us.anthropic.claude-3-5-sonnet-20241022-v2:0',
  'claude-3-5-sonnet-20240620': 'us.anthropic.claude-3-5-sonnet-20240620-v1:0',
  'claude-3-haiku-20240307': 'us.anthropic.claude-3-haiku-20240307-v1:0',
};

/** The Bedrock model id for an Anthropic model name (ids already in Bedrock form pass through). */
export function bedrockModelId(model: string): string {
  if (model.includes('anthropic.')) return model;
  return BUILT_IN[model] ?? `us.anthropic.${model}-v1:0`;
}
