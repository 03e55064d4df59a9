import type { CausalAnalysis, ExperimentAnalysis, ExperimentRecord } from '@assay/contracts';

/** The input of `renderExperimentReport`. */
export interface ExperimentReportInput {
  experiment: ExperimentRecord;
  analysis: ExperimentAnalysis;
  causal?: CausalAnalysis;
}

/** What every section reads: the input, whether the readout is blocked, and each treatment's series (colour, marker). */
export interface ReportView extends ExperimentReportInput {
  blocked: boolean;
  /** treatments in the order of the experiment's variants; index = series index */
  treatments: string[];
  /** "95 % CI" from the analysis' alpha */
  ciText: string;
}
