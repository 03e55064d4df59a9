export { CausalError, type CausalErrorCode } from './errors.js';
export { designMatrix, requireFullRank, type CovariateValue, type Design, type DesignColumn } from './design.js';
export type { Groups } from './groups.js';
export { ols, type CovarianceType, type OlsOptions, type OlsResult } from './ols.js';
export { logit, type LogitOptions, type LogitResult } from './logit.js';
export {
  ASSUMPTIONS,
  eValueForDifference,
  eValueRiskRatio,
  estimateEffect,
  type BalanceRow,
  type CausalEstimate,
  type EffectEstimate,
  type EffectInput,
  type EValue,
  type OverlapSummary,
} from './effect.js';
