export { renderExperimentReport } from './render.js';
export type { ExperimentReportInput } from './view.js';
