export { ExperimentStore, experimentStoppedError, type ExperimentCounts } from './experiment-store.js';
export { importFormat, runEventImport, type ImportDeps } from './event-import.js';
export { loadUnits, type UnitTable } from './unit-table.js';
export { analyzeExperiment, type AnalysisInput } from './ab-analysis.js';
export { planExperiment } from './plan.js';
export { analyzeCausal, joinAssets, type EngagedAsset, type JoinedAssets } from './causal-analysis.js';
export { createExperimentEventsCounter } from './experiment-metrics.js';
export { simulateExperiment, type Simulation, type SimulationOptions } from './simulate.js';
