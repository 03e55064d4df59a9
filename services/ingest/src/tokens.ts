/** Injection tokens: the app is wired from explicit objects built once at start (see app.ts). */
export const CONFIG = Symbol('AssayConfig');
export const LOGGER = Symbol('Logger');
export const METRICS_REGISTRY = Symbol('Registry');
export const INGEST_METRICS = Symbol('IngestMetrics');
export const REDIS = Symbol('Redis');
export const QUEUES = Symbol('QueueSet');
export const OBJECT_STORE = Symbol('ObjectStore');
export const RUN_STORE = Symbol('RunStore');
export const RUN_AGGREGATES = Symbol('RunAggregates');
export const SUITES = Symbol('SuiteCatalog');
export const METRIC_CATALOG = Symbol('MetricCatalog');
export const COMPARISONS = Symbol('ComparisonStore');
export const POLICIES = Symbol('PolicyCatalog');
export const RUN_INTAKE = Symbol('RunIntake');
export const COMPARISON_REQUESTS = Symbol('ComparisonRequests');
export const SWEEPS = Symbol('SweepCatalog');
export const SWEEP_STORE = Symbol('SweepStore');
export const STUDY_STORE = Symbol('StudyStore');
export const EXPERIMENT_STORE = Symbol('ExperimentStore');
/** `assay_experiment_events_total` */
export const EXPERIMENT_EVENTS = Symbol('ExperimentEvents');
