/**
 * Reasoning effort (OpenAI) ⇄ thinking budget in tokens (Anthropic, Gemini). The table follows the
 * budgets Google documents for its effort-like presets; Anthropic's minimum budget is 1024.
 */
const EFFORT_BUDGET = { minimal: 1024, low: 1024, medium: 8192, high: 24576 } as const;

/** Budget for an OpenAI reasoning_effort value; unknown values count as medium. */
export function budgetFromEffort(effort: string): number {
  return EFFORT_BUDGET[effort as keyof typeof EFFORT_BUDGET] ?? EFFORT_BUDGET.medium;
}

/** The OpenAI reasoning_effort closest to a token budget. */
export function effortFromBudget(budget: number): 'low' | 'medium' | 'high' {
  if (budget <= 2048) return 'low';
  if (budget <= 12288) return 'medium';
  return 'high';
}

/** Gemini's "dynamic" budget (-1) has no number; treat it as medium. */
export const DYNAMIC_BUDGET = EFFORT_BUDGET.medium;

/**
 * Whether an upstream model takes reasoning controls (OpenAI `reasoning_effort`, Gemini `thinkingConfig`):
 * the o-series, GPT-5 and Codex models; Gemini 2.5 and later. Others (GPT-4o, Gemini 2.0) refuse them.
 */
export function takesReasoningControls(upstreamModel: string): boolean {
  const m = upstreamModel.toLowerCase().replace(/^models\//, '');
  return /^(o\d|gpt-5|codex|gpt-oss)/.test(m) || /^gemini-(2\.5|[3-9])/.test(m);
}

/** Anthropic efforts (`output_config.effort`) in OpenAI's vocabulary: `max` (and anything above high) is OpenAI's high. */
export function effortFromAnthropic(effort: unknown): 'low' | 'medium' | 'high' | undefined {
  if (effort === 'low' || effort === 'medium' || effort === 'high') return effort;
  if (typeof effort === 'string' && effort) return 'high';
  return undefined;
}

/**
 * The thinking budget of an Anthropic request, read the same way by the limits and by translation:
 * `enabled` gives its `budget_tokens`; `adaptive` (Claude Code's default) lets the model decide up to its
 * effort — `output_config.effort`, Anthropic's default `high` when absent — so it counts as that effort's budget.
 */
export function anthropicThinkingBudget(body: { thinking?: unknown; output_config?: unknown }): { budget: number | null; effort?: 'low' | 'medium' | 'high' } {
  const thinking = (body.thinking ?? {}) as { type?: unknown; budget_tokens?: unknown };
  const effort = effortFromAnthropic((body.output_config as { effort?: unknown } | undefined)?.effort);
  if (thinking.type === 'enabled') return { budget: typeof thinking.budget_tokens === 'number' ? thinking.budget_tokens : null, effort };
  if (thinking.type === 'adaptive') {
    const e = effort ?? 'high';
    return { budget: budgetFromEffort(e), effort: e };
  }
  return { budget: null, effort };
}
