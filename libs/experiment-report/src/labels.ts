import type { VariantComparison } from '@assay/contracts';

type Decision = VariantComparison['decision'];

/** A glyph with each word, so the decision never rests on colour alone. */
export const DECISION_TEXT: Record<Decision, string> = {
  ship: '✓ ship',
  no_ship: '✗ no ship',
  inconclusive: '? inconclusive',
  blocked: '⊘ blocked',
};

export const DECISION_MEANING: Record<Decision, string> = {
  ship: 'The primary metric improved significantly and every guardrail holds.',
  no_ship: 'The primary metric got significantly worse, or a guardrail failed.',
  inconclusive: 'The data do not settle the primary metric yet; no guardrail failed.',
  blocked: 'The readout cannot be trusted (see the sample ratio check).',
};

export const ROLE_TEXT = { primary: 'Primary', secondary: 'Secondary', guardrail: 'Guardrails' } as const;
export const ROLE_ORDER = ['primary', 'secondary', 'guardrail'] as const;
