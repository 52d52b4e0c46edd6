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
