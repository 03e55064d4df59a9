import type { ComparisonRecord, ComparisonResult } from '@assay/contracts';

/** What the comparison was asked to do: the stored ComparisonRecord, or the fields of it the report reads. */
export type ReportComparison = Pick<
  ComparisonRecord,
  'id' | 'baselineRunId' | 'candidateRunId' | 'policy' | 'slices' | 'seed' | 'resamples' | 'createdAt'
> &
  Partial<Pick<ComparisonRecord, 'modality' | 'inlinePolicy' | 'requestId'>>;

/** The input of `renderComparisonReport`. */
export interface ComparisonReportView {
  comparison: ReportComparison;
  result: ComparisonResult;
}
