import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { AssayConfig } from '@assay/config';
import type { RunAggregates } from '@assay/aggregation';
import type { Logger } from '@assay/observability';
import type { QueueSet } from '@assay/queue';
import type { RunStore } from '@assay/runs';
import type { ObjectStore } from '@assay/storage';
import type { SuiteCatalog } from '@assay/suites';
import type { MetricCatalog } from '@assay/metric-catalog';
import { MetricsController } from './catalog/metrics.controller.js';
import type { PolicyCatalog } from '@assay/policies';
import { ComparisonRequests, RunIntake } from '@assay/intake';
import type { SweepCatalog, SweepStore } from '@assay/sweeps';
import { SweepsController } from './sweeps/sweeps.controller.js';
import { SweepsService } from './sweeps/sweeps.service.js';
import type { ComparisonStore } from '@assay/runs';
import { ComparisonsController } from './comparisons/comparisons.controller.js';
import { ComparisonsService } from './comparisons/comparisons.service.js';
import { PoliciesController } from './comparisons/policies.controller.js';
import { DistributionService } from './distribution/distribution.service.js';
import { ReferenceSetsController } from './distribution/reference-sets.controller.js';
import { RunDistributionController } from './distribution/run-distribution.controller.js';
import type { StudyStore } from '@assay/studies';
import type { ExperimentStore } from '@assay/experiments';
import type { Counter } from 'prom-client';
import { ExperimentsController } from './experiments/experiments.controller.js';
import { ExperimentsService } from './experiments/experiments.service.js';
import { RaterController } from './studies/rater.controller.js';
import { RaterService } from './studies/rater.service.js';
import { StudiesController } from './studies/studies.controller.js';
import { StudiesService } from './studies/studies.service.js';
import { HooksController } from './hooks/hooks.controller.js';
import type { IngestMetrics } from './ingest-metrics.js';
import { OpsController } from './ops/ops.controller.js';
import { ModelsController } from './ops/models.controller.js';
import { QueuesController } from './ops/queues.controller.js';
import { IntakeService } from './runs/intake.service.js';
import { ListingService } from './runs/listing.service.js';
import { RunsController } from './runs/runs.controller.js';
import { RunsService } from './runs/runs.service.js';
import {
  CONFIG,
  INGEST_METRICS,
  LOGGER,
  METRICS_REGISTRY,
  OBJECT_STORE,
  QUEUES,
  REDIS,
  RUN_AGGREGATES,
  RUN_STORE,
  SUITES,
  METRIC_CATALOG,
  COMPARISONS,
  POLICIES,
  RUN_INTAKE,
  COMPARISON_REQUESTS,
  SWEEPS,
  SWEEP_STORE,
  STUDY_STORE,
  EXPERIMENT_STORE,
  EXPERIMENT_EVENTS,
} from './tokens.js';

export interface IngestDeps {
  config: AssayConfig;
  logger: Logger;
  registry: Registry;
  metrics: IngestMetrics;
  redis: Redis;
  queues: QueueSet;
  store: ObjectStore;
  runs: RunStore;
  aggregates: RunAggregates;
  suites: SuiteCatalog;
  metricCatalog: MetricCatalog;
  policies: PolicyCatalog;
  comparisons: ComparisonStore;
  sweeps: SweepCatalog;
  sweepStore: SweepStore;
  studies: StudyStore;
  experiments: ExperimentStore;
  experimentEvents: Counter<'source' | 'outcome'>;
}

@Module({})
export class AppModule {
  /** The module gets its infrastructure as ready-made objects: built once, closed by whoever built them. */
  static with(deps: IngestDeps): DynamicModule {
    const values: Provider[] = [
      { provide: CONFIG, useValue: deps.config },
      { provide: LOGGER, useValue: deps.logger },
      { provide: METRICS_REGISTRY, useValue: deps.registry },
      { provide: INGEST_METRICS, useValue: deps.metrics },
      { provide: REDIS, useValue: deps.redis },
      { provide: QUEUES, useValue: deps.queues },
      { provide: OBJECT_STORE, useValue: deps.store },
      { provide: RUN_STORE, useValue: deps.runs },
      { provide: RUN_AGGREGATES, useValue: deps.aggregates },
      { provide: SUITES, useValue: deps.suites },
      { provide: METRIC_CATALOG, useValue: deps.metricCatalog },
      { provide: POLICIES, useValue: deps.policies },
      { provide: COMPARISONS, useValue: deps.comparisons },
      { provide: RUN_INTAKE, useValue: new RunIntake(deps) },
      { provide: COMPARISON_REQUESTS, useValue: new ComparisonRequests({ ...deps, catalog: deps.metricCatalog }) },
      { provide: SWEEPS, useValue: deps.sweeps },
      { provide: SWEEP_STORE, useValue: deps.sweepStore },
      { provide: STUDY_STORE, useValue: deps.studies },
      { provide: EXPERIMENT_STORE, useValue: deps.experiments },
      { provide: EXPERIMENT_EVENTS, useValue: deps.experimentEvents },
    ];
    return {
      module: AppModule,
      controllers: [
        RunsController,
        ComparisonsController,
        PoliciesController,
        ReferenceSetsController,
        RunDistributionController,
        SweepsController,
        StudiesController,
        RaterController,
        ExperimentsController,
        MetricsController,
        HooksController,
        QueuesController,
        ModelsController,
        OpsController,
      ],
      providers: [
        ...values,
        IntakeService,
        RunsService,
        ListingService,
        ComparisonsService,
        DistributionService,
        SweepsService,
        StudiesService,
        RaterService,
        ExperimentsService,
      ],
    };
  }
}
