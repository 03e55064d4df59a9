import { z } from 'zod';
import { PolicyFile } from '@assay/policies';
import { SweepDetail, SweepView } from '@assay/sweeps';
import {
  ComparisonView,
  CreateComparisonRequest,
  CreateReferenceSetRequest,
  ReferenceSet,
  ReferenceSetName,
  RunDistributionView,
  RunMetricsView,
  CreateRunRequest,
  HookRequest,
  ListResultsQuery,
  ListMetricsQuery,
  ListRunsQuery,
  MetricCatalogEntry,
  MetricCatalogView,
  MAX_ASSETS_PER_REQUEST,
  ResultRecord,
  ResultsPage,
  RunsPage,
  RunSummary,
  RunView,
  SubmitAssetsRequest,
  SubmitAssetsResponse,
  SweepRunRecord,
  TriggerSweepRequest,
  CreateStudyRequest,
  CreateRatersRequest,
  RaterAnswer,
  RaterInvite,
  RaterTaskView,
  StudyAnalysis,
  StudyView,
  LabelStudioImportResult,
  CreateExperimentRequest,
  EventBatch,
  EventBatchResult,
  CreateEventImportRequest,
  EventImport,
  ExperimentView,
  ExperimentAnalysis,
  PlanRequest,
  PlanResult,
  CausalRequest,
  CausalAnalysis,
} from '@assay/contracts';
import { RETRY_AFTER_SECONDS } from '@assay/observability';
import { AssetView, ErrorEnvelope, FailedJobs, Health, ModelsReport, QueueDepth, Readiness, Suite, UploadResult } from './api-schemas.js';
import { UPLOAD_CONTENT_TYPES } from './upload-types.js';

type JsonSchema = Record<string, unknown>;

/**
 * Components from zod schemas, one registry per direction (requests as clients may send them, answers as
 * the API writes them); a registered schema used inside another becomes a `$ref`.
 */
function components(io: 'input' | 'output', schemas: Record<string, z.ZodType>): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, s] of Object.entries(schemas)) registry.add(s, { id });
  const { schemas: out } = z.toJSONSchema(registry, { io, unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` });
  // `$id` with a fragment is not valid JSON Schema; the component's place in the document names it
  return Object.fromEntries(Object.entries(out).map(([id, { $id: _id, $schema: _schema, ...rest }]) => [id, rest as JsonSchema]));
}

/** Query parameters from a zod object: its properties as clients send them, each with its description. */
function queryParameters(s: z.ZodType) {
  const js = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(js.properties).map(([name, { description, ...schema }]) => ({
    name,
    in: 'query',
    required: js.required?.includes(name) ?? false,
    ...(description ? { description } : {}),
    schema,
  }));
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'bad input: `error.code` says why, `error.details` names the fields (docs/errors.md)',
  401: 'not authenticated: no API key, no valid hook signature, or (rater app) an invalid or expired rater token',
  403: 'the API key is not valid, or (rater app) the asset link is forged or expired',
  404: 'no such run, asset, comparison, policy, reference set, sweep, study, experiment, import, export, metric, queue or route',
  409:
    'conflict: the run is closed (or, to compare or measure it, not yet; or its run-level metrics are pending), the asset has other ' +
    'content, the report is not ready, the reference set exists, the sweep date has a run, the hook delivery was replayed, the study ' +
    "is closed, or the rater task is not (or no longer) the rater's",
  413: 'the body is over its size limit',
  415: 'unsupported content type',
  422:
    'well-formed but not processable: an event for an unknown variant (nothing of the batch counted), ' +
    'or a causal analysis the data cannot support (docs/errors.md)',
  503: 'a dependency (Redis, S3) is unavailable, or the hook is not configured: retry after `Retry-After` seconds',
};

/**
 * Request bodies live in `components.requestBodies`, not `schemas`: generators such as openapi-typescript treat a
 * property with a `default` as always present, except in request bodies, where the client may leave it out.
 */
function requestBodies(bodies: Record<string, { schema: z.ZodType; description: string }>) {
  const schemas = components('input', Object.fromEntries(Object.entries(bodies).map(([id, b]) => [id, b.schema])));
  return Object.fromEntries(
    Object.entries(bodies).map(([id, b]) => [
      id,
      { description: b.description, required: true, content: { 'application/json': { schema: schemas[id] } } },
    ]),
  );
}

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const ok = (description: string, ref: string) => ({ description, content: json(ref) });
const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      String(s),
      {
        description: ERROR_DESCRIPTIONS[s],
        ...(s === 503
          ? { headers: { 'Retry-After': { description: 'seconds', schema: { type: 'integer', example: RETRY_AFTER_SECONDS } } } }
          : {}),
        content: json('Error'),
      },
    ]),
  );
const runId = { name: 'runId', in: 'path', required: true, schema: { type: 'string' } };
const comparisonId = { name: 'comparisonId', in: 'path', required: true, schema: { type: 'string' } };
const sweepName = { name: 'sweep', in: 'path', required: true, schema: { type: 'string' } };
const studyId = { name: 'studyId', in: 'path', required: true, schema: { type: 'string' } };
const experimentId = { name: 'experimentId', in: 'path', required: true, schema: { type: 'string' } };
const raterToken = {
  name: 'Authorization',
  in: 'header',
  required: true,
  description: '`Bearer <rater token>`',
  schema: { type: 'string' },
};
const jsonArray = (description: string, ref: string) => ({
  description,
  content: { 'application/json': { schema: { type: 'array', items: { $ref: `#/components/schemas/${ref}` } } } },
});
const assetId = {
  name: 'assetId',
  in: 'path',
  required: true,
  description: 'the client asset id, URL-encoded (`/` as `%2F`)',
  schema: { type: 'string' },
};

/** The OpenAPI 3.1 document, generated from the same zod schemas the API validates with and answers in. */
export function buildOpenApi(version = '0.1.0') {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Assay ingest API',
      version,
      description:
        'Submit generated assets for evaluation, follow runs, read results and summaries. Errors carry a stable `code` (docs/errors.md). ' +
        `At most ${MAX_ASSETS_PER_REQUEST} assets per request. Guide: docs/api.md.`,
      license: { name: 'UNLICENSED (proprietary; see the repository owner)' },
    },
    servers: [
      { url: '/', description: 'the ingest service that serves this document' },
      { url: 'http://127.0.0.1:8080', description: 'a local service started with `npm start`' },
    ],
    tags: [
      { name: 'runs', description: 'Create, list, follow and close evaluation runs' },
      { name: 'assets', description: 'Submit assets, upload their bytes, read one asset' },
      { name: 'results', description: 'Result records and summaries of a run' },
      {
        name: 'comparisons',
        description: 'Compare a candidate run with a baseline run under a launch policy: the Go/No-Go verdict and its report',
      },
      {
        name: 'distribution',
        description: 'Distribution metrics over stored embeddings (FD, KID, CMMD, PRDC): reference sets and runs measured against them',
      },
      { name: 'sweeps', description: 'Nightly benchmark sweeps: their schedule, runs and published verdicts; run one now' },
      {
        name: 'studies',
        description: 'Human evaluation: studies over closed runs, rater invites, the analysis, exports and Label Studio imports',
      },
      {
        name: 'experiments',
        description:
          'Online A/B tests on engagement: events and S3 imports, the readout, planning, and the causal analysis of asset attributes',
      },
      { name: 'rater app', description: 'The pages and API raters use, authenticated by their invite token (no API key)' },
      { name: 'metrics', description: 'The metric catalog: what each score means, which way is better, its range and unit' },
      { name: 'hooks', description: 'Signed submissions from generation pipelines (no API key)' },
      { name: 'operations', description: 'Suites, models, queue depths and the dead-letter view' },
      { name: 'probes', description: 'Liveness, readiness and Prometheus metrics (no API key)' },
    ],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from ASSAY_API_KEYS' },
      },
      requestBodies: requestBodies({
        CreateRun: { schema: CreateRunRequest, description: 'the run: its name, model version, suite and labels' },
        SubmitAssets: { schema: SubmitAssetsRequest, description: `up to ${MAX_ASSETS_PER_REQUEST} assets` },
        GenerationHook: { schema: HookRequest, description: 'the run and its assets; the raw body is what is signed' },
        CreateComparison: {
          schema: CreateComparisonRequest,
          description: 'the two closed runs, the policy, extra slices, seed and resamples',
        },
        CreateReferenceSet: { schema: CreateReferenceSetRequest, description: 'the name and the closed run whose embeddings it keeps' },
        TriggerSweep: { schema: TriggerSweepRequest, description: 'the date to run (default: the date the schedule gives now)' },
        CreateStudy: {
          schema: CreateStudyRequest,
          description: 'the closed runs, the protocol, the rubric, gold items and quality thresholds',
        },
        CreateRaters: { schema: CreateRatersRequest, description: 'the raters to invite' },
        RaterAnswer: { schema: RaterAnswer, description: 'the answer to the task on screen (pairwise: by screen side)' },
        CreateExperiment: { schema: CreateExperimentRequest, description: 'variants, unit of randomization, metrics, guardrails and plan' },
        EventBatch: { schema: EventBatch, description: 'up to 10 000 events and 10 000 units with pre-period covariates' },
        CreateEventImport: { schema: CreateEventImportRequest, description: 'the S3 object or prefix of an NDJSON or Parquet export' },
        Plan: { schema: PlanRequest, description: 'the baseline, and the effect to detect or the units per variant' },
        Causal: { schema: CausalRequest, description: 'the treatment, outcome, confounders and trimming' },
      }),
      schemas: {
        ...components('output', {
          Run: RunView,
          RunsPage,
          SubmitAssetsResponse,
          UploadResult,
          AssetView,
          ResultRecord,
          ResultsPage,
          RunSummary,
          RunMetrics: RunMetricsView,
          Comparison: ComparisonView,
          Policy: PolicyFile.extend({ source: z.string() }),
          ReferenceSet,
          RunDistribution: RunDistributionView,
          Sweep: SweepView,
          SweepDetail,
          SweepRun: SweepRunRecord,
          Study: StudyView,
          RaterInvite,
          StudyAnalysis,
          LabelStudioImportResult,
          RaterTask: RaterTaskView,
          Experiment: ExperimentView,
          EventBatchResult,
          EventImport,
          ExperimentAnalysis,
          PlanResult,
          CausalAnalysis,
          MetricCatalog: MetricCatalogView,
          Metric: MetricCatalogEntry,
          Suite,
          ModelsReport,
          QueueDepth,
          FailedJobs,
          Health,
          Readiness,
          Error: ErrorEnvelope,
        }),
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      '/v1/runs': {
        post: {
          operationId: 'createRun',
          tags: ['runs'],
          summary: 'Create a run',
          requestBody: { $ref: '#/components/requestBodies/CreateRun' },
          responses: { '201': ok('created', 'Run'), ...errors(400, 401, 403, 413, 503) },
        },
        get: {
          operationId: 'listRuns',
          tags: ['runs'],
          summary: 'List runs, newest first, filtered by name, model version, suite, labels, status and creation time',
          description:
            'Pages by a cursor on (creation time, run id): runs created while you page are newer than your position and never ' +
            'shift later pages. A filtered page looks at up to 1000 runs; it may then hold fewer than `limit` (even none) ' +
            'with a `nextCursor`: follow it.',
          parameters: queryParameters(ListRunsQuery),
          responses: { '200': ok('a page of runs', 'RunsPage'), ...errors(400, 401, 403, 503) },
        },
      },
      '/v1/runs/{runId}': {
        get: {
          operationId: 'getRun',
          tags: ['runs'],
          summary: 'A run with counts by state',
          parameters: [runId],
          responses: { '200': ok('the run', 'Run'), ...errors(401, 403, 404, 503) },
        },
      },
      '/v1/runs/{runId}/assets': {
        post: {
          operationId: 'submitAssets',
          tags: ['assets'],
          summary: `Submit up to ${MAX_ASSETS_PER_REQUEST} assets (idempotent by assetId)`,
          parameters: [runId],
          requestBody: { $ref: '#/components/requestBodies/SubmitAssets' },
          responses: { '202': ok('accepted', 'SubmitAssetsResponse'), ...errors(400, 401, 403, 404, 409, 413, 503) },
        },
      },
      '/v1/runs/{runId}/assets/{assetId}/content': {
        put: {
          operationId: 'uploadAssetContent',
          tags: ['assets'],
          summary: 'Upload the bytes of a declared asset (stored content-addressed, then queued)',
          parameters: [runId, assetId],
          requestBody: {
            required: true,
            content: Object.fromEntries(UPLOAD_CONTENT_TYPES.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
          },
          responses: { '202': ok('stored and queued', 'UploadResult'), ...errors(400, 401, 403, 404, 409, 413, 415, 503) },
        },
      },
      '/v1/runs/{runId}/assets/{assetId}': {
        get: {
          operationId: 'getAsset',
          tags: ['assets'],
          summary: 'State, scores, errors and provenance of one asset',
          parameters: [runId, assetId],
          responses: { '200': ok('the asset; `result` is its ResultRecord once finished', 'AssetView'), ...errors(401, 403, 404, 503) },
        },
      },
      '/v1/runs/{runId}/close': {
        post: {
          operationId: 'closeRun',
          tags: ['runs'],
          summary: 'Close a run: the final summary is written once every asset has a result',
          parameters: [runId],
          responses: { '202': ok('closing', 'Run'), ...errors(401, 403, 404, 503) },
        },
      },
      '/v1/runs/{runId}/results': {
        get: {
          operationId: 'listRunResults',
          tags: ['results'],
          summary: "A page of the run's result records, read from its NDJSON parts",
          description:
            'Records in the order the aggregator received them, from the parts written so far: for a run that is not closed, ' +
            'only records flushed to parts (`flushed`), never those still buffered. The cursor is a record offset. A filtered ' +
            'page looks at up to 20 000 records; it may then hold fewer than `limit` (even none) with a `nextCursor`: follow it.',
          parameters: [runId, ...queryParameters(ListResultsQuery)],
          responses: { '200': ok('a page of result records', 'ResultsPage'), ...errors(400, 401, 403, 404, 503) },
        },
      },
      '/v1/runs/{runId}/summary': {
        get: {
          operationId: 'getRunSummary',
          tags: ['results'],
          summary: 'Run summary (final once closed, live before)',
          parameters: [runId],
          responses: { '200': ok('summary', 'RunSummary'), ...errors(401, 403, 404, 503) },
        },
      },
      '/v1/runs/{runId}/run-metrics': {
        get: {
          operationId: 'getRunMetrics',
          tags: ['results'],
          summary: 'The run-level metrics computed once the run closed (score intervals, latency quantiles, safety rates)',
          description: '`status` is pending until the run closes and its job runs; `report` is there once `done`.',
          parameters: [runId],
          responses: { '200': ok('their state and report', 'RunMetrics'), ...errors(401, 403, 404, 503) },
        },
      },
      '/v1/runs/{runId}/distribution': {
        get: {
          operationId: 'getRunDistribution',
          tags: ['distribution'],
          summary: 'A closed run’s embedding sets; with `reference`, its FD, KID, CMMD and PRDC against a reference set',
          description:
            'Computed from the statistics the post-close job stored (never the embeddings again) on first request, then kept. ' +
            'Refused while the run is open (`run_not_closed`) or its run-level metrics are pending (`run_metrics_pending`, with ' +
            '`Retry-After`). Guide: docs/distribution.md.',
          parameters: [
            runId,
            {
              name: 'reference',
              in: 'query',
              required: false,
              description: 'a reference set name',
              schema: z.toJSONSchema(ReferenceSetName),
            },
            {
              name: 'seed',
              in: 'query',
              required: false,
              description: 'seed of the KID subsets (default 1)',
              schema: { type: 'integer', minimum: 0 },
            },
          ],
          responses: { '200': ok('the run’s embedding sets and distances', 'RunDistribution'), ...errors(400, 401, 403, 404, 409, 503) },
        },
      },
      '/v1/reference-sets': {
        post: {
          operationId: 'createReferenceSet',
          tags: ['distribution'],
          summary: 'Keep a closed run’s embedding statistics under a name (e.g. a curated golden set of real product photos)',
          description: 'Reference sets are immutable: a name is taken once (`reference_set_exists`).',
          requestBody: { $ref: '#/components/requestBodies/CreateReferenceSet' },
          responses: { '201': ok('the reference set', 'ReferenceSet'), ...errors(400, 401, 403, 404, 409, 413, 503) },
        },
        get: {
          operationId: 'listReferenceSets',
          tags: ['distribution'],
          summary: 'Every reference set',
          responses: {
            '200': {
              description: 'reference sets',
              content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/ReferenceSet' } } } },
            },
            ...errors(401, 403, 503),
          },
        },
      },
      '/v1/reference-sets/{name}': {
        get: {
          operationId: 'getReferenceSet',
          tags: ['distribution'],
          summary: 'One reference set',
          parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': ok('the reference set', 'ReferenceSet'), ...errors(401, 403, 404, 503) },
        },
      },
      '/v1/comparisons': {
        post: {
          operationId: 'createComparison',
          tags: ['comparisons'],
          summary: 'Compare a candidate run with a baseline run under a launch policy (computed by the aggregator)',
          description:
            'Both runs must be closed, differ, score one modality and share a score. The comparison is queued: poll ' +
            '`GET /v1/comparisons/{comparisonId}` until `status` is `done` (or `failed`). Guide: docs/compare.md.',
          requestBody: { $ref: '#/components/requestBodies/CreateComparison' },
          responses: { '202': ok('queued', 'Comparison'), ...errors(400, 401, 403, 404, 409, 413, 503) },
        },
      },
      '/v1/comparisons/{comparisonId}': {
        get: {
          operationId: 'getComparison',
          tags: ['comparisons'],
          summary: 'A comparison: its state, then the verdict with every criterion and the full result',
          parameters: [comparisonId],
          responses: { '200': ok('the comparison', 'Comparison'), ...errors(401, 403, 404, 503) },
        },
      },
      '/v1/comparisons/{comparisonId}/report': {
        get: {
          operationId: 'getComparisonReport',
          tags: ['comparisons'],
          summary: 'The report a person reads: one self-contained HTML file (verdict, evidence, charts)',
          parameters: [comparisonId],
          responses: {
            '200': { description: 'the report', content: { 'text/html': { schema: { type: 'string' } } } },
            ...errors(401, 403, 404, 409, 503),
          },
        },
      },
      '/v1/policies': {
        get: {
          operationId: 'listPolicies',
          tags: ['comparisons'],
          summary: 'Launch policies a comparison can be judged by',
          responses: {
            '200': {
              description: 'policies',
              content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Policy' } } } },
            },
            ...errors(401, 403),
          },
        },
      },
      '/v1/policies/{policy}': {
        get: {
          operationId: 'getPolicy',
          tags: ['comparisons'],
          summary: 'One launch policy',
          parameters: [{ name: 'policy', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': ok('the policy', 'Policy'), ...errors(401, 403, 404) },
        },
      },
      '/v1/sweeps': {
        get: {
          operationId: 'listSweeps',
          tags: ['sweeps'],
          summary: 'Configured sweeps with their schedule, next run, latest run and last verdict',
          responses: {
            '200': {
              description: 'sweeps',
              content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Sweep' } } } },
            },
            ...errors(401, 403, 503),
          },
        },
      },
      '/v1/sweeps/{sweep}': {
        get: {
          operationId: 'getSweep',
          tags: ['sweeps'],
          summary: 'One sweep and its recent runs, newest date first',
          parameters: [sweepName],
          responses: { '200': ok('the sweep', 'SweepDetail'), ...errors(401, 403, 404, 503) },
        },
      },
      '/v1/sweeps/{sweep}/trigger': {
        post: {
          operationId: 'triggerSweep',
          tags: ['sweeps'],
          summary: 'Run a sweep now, for a date (a failed date runs again as a new attempt)',
          description:
            'Answers the sweep run as begun; follow it with `GET /v1/sweeps/{sweep}`. A date whose run is in progress ' +
            'or done is refused with 409 `sweep_run_exists`. Guide: docs/sweeps.md.',
          parameters: [sweepName],
          requestBody: { $ref: '#/components/requestBodies/TriggerSweep' },
          responses: { '202': ok('begun', 'SweepRun'), ...errors(400, 401, 403, 404, 409, 503) },
        },
      },
      '/v1/studies': {
        post: {
          operationId: 'createStudy',
          tags: ['studies'],
          summary: 'Create a human evaluation study over closed runs',
          description:
            'Pairwise studies pair assets of different runs by prompt (or `pairBy`); Likert and binary studies rate every scored ' +
            'asset. Guide: docs/human-eval.md.',
          requestBody: { $ref: '#/components/requestBodies/CreateStudy' },
          responses: { '201': ok('created', 'Study'), ...errors(400, 401, 403, 404, 409, 503) },
        },
        get: {
          operationId: 'listStudies',
          tags: ['studies'],
          summary: 'Studies, newest first',
          responses: { '200': jsonArray('studies', 'Study'), ...errors(401, 403, 503) },
        },
      },
      '/v1/studies/{studyId}': {
        get: {
          operationId: 'getStudy',
          tags: ['studies'],
          summary: 'One study with its counts of raters, answers and finished items',
          parameters: [studyId],
          responses: { '200': ok('the study', 'Study'), ...errors(401, 403, 404, 503) },
        },
      },
      '/v1/studies/{studyId}/raters': {
        post: {
          operationId: 'inviteRaters',
          tags: ['studies'],
          summary: 'Invite raters: one link each, with a token shown only here',
          parameters: [studyId],
          requestBody: { $ref: '#/components/requestBodies/CreateRaters' },
          responses: { '201': jsonArray('the invites', 'RaterInvite'), ...errors(400, 401, 403, 404, 409, 503) },
        },
      },
      '/v1/studies/{studyId}/close': {
        post: {
          operationId: 'closeStudy',
          tags: ['studies'],
          summary: 'Close a study: no more answers; its answers and final analysis are written to S3',
          parameters: [studyId],
          responses: { '200': ok('closed', 'Study'), ...errors(401, 403, 404, 503) },
        },
      },
      '/v1/studies/{studyId}/analysis': {
        get: {
          operationId: 'getStudyAnalysis',
          tags: ['studies'],
          summary: 'Rater quality, agreement, preferences or ratings per version, and judge–human calibration',
          parameters: [studyId],
          responses: { '200': ok('the analysis', 'StudyAnalysis'), ...errors(401, 403, 404, 503) },
        },
      },
      '/v1/studies/{studyId}/exports/{file}': {
        get: {
          operationId: 'getStudyExport',
          tags: ['studies'],
          summary: 'RLHF preference pairs (JSONL), Label Studio tasks and annotations, or a golden-set manifest',
          parameters: [
            studyId,
            {
              name: 'file',
              in: 'path',
              required: true,
              schema: { type: 'string', enum: ['rlhf-pairs.jsonl', 'label-studio.json', 'golden-set.json'] },
            },
          ],
          responses: {
            '200': {
              description: 'the export, from the answers of the raters the quality checks keep',
              content: { 'application/x-ndjson': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object' } } },
            },
            ...errors(401, 403, 404, 503),
          },
        },
      },
      '/v1/studies/{studyId}/imports/label-studio': {
        post: {
          operationId: 'importLabelStudio',
          tags: ['studies'],
          summary: "Bring a Label Studio export's annotations into the study (one answer per item and rater)",
          parameters: [studyId],
          requestBody: {
            required: true,
            description: 'a Label Studio JSON (or JSON_MIN) export of tasks made by the label-studio.json export',
            content: { 'application/json': { schema: { type: 'array', items: { type: 'object' } } } },
          },
          responses: { '200': ok('imported', 'LabelStudioImportResult'), ...errors(400, 401, 403, 404, 409, 413, 503) },
        },
      },
      '/v1/experiments': {
        post: {
          operationId: 'createExperiment',
          tags: ['experiments'],
          summary: 'Create an experiment: variants (and the runs they show), the unit, metrics, guardrails, plan',
          description: 'Guide: docs/experiments.md.',
          requestBody: { $ref: '#/components/requestBodies/CreateExperiment' },
          responses: { '201': ok('created', 'Experiment'), ...errors(400, 401, 403, 404, 503) },
        },
        get: {
          operationId: 'listExperiments',
          tags: ['experiments'],
          summary: 'Experiments, newest first, with their live counts',
          responses: { '200': jsonArray('experiments', 'Experiment'), ...errors(401, 403, 503) },
        },
      },
      '/v1/experiments/plan': {
        post: {
          operationId: 'planExperiment',
          tags: ['experiments'],
          summary: 'Units per variant for a minimum detectable effect, or the effect a sample size detects',
          requestBody: { $ref: '#/components/requestBodies/Plan' },
          responses: { '200': ok('the plan', 'PlanResult'), ...errors(400, 401, 403, 503) },
        },
      },
      '/v1/experiments/{experimentId}': {
        get: {
          operationId: 'getExperiment',
          tags: ['experiments'],
          summary: 'One experiment with its counts of events, duplicates and units per variant',
          parameters: [experimentId],
          responses: { '200': ok('the experiment', 'Experiment'), ...errors(401, 403, 404, 503) },
        },
      },
      '/v1/experiments/{experimentId}/events': {
        post: {
          operationId: 'sendExperimentEvents',
          tags: ['experiments'],
          summary: 'A batch of events (idempotent by event id) and pre-period covariates; stored raw in S3, folded per unit',
          parameters: [experimentId],
          requestBody: { $ref: '#/components/requestBodies/EventBatch' },
          responses: { '200': ok('counted', 'EventBatchResult'), ...errors(400, 401, 403, 404, 409, 413, 422, 503) },
        },
      },
      '/v1/experiments/{experimentId}/imports': {
        post: {
          operationId: 'importExperimentEvents',
          tags: ['experiments'],
          summary: 'Import events from an S3 export (NDJSON or Parquet) in the background',
          parameters: [experimentId],
          requestBody: { $ref: '#/components/requestBodies/CreateEventImport' },
          responses: { '202': ok('queued', 'EventImport'), ...errors(400, 401, 403, 404, 409, 503) },
        },
        get: {
          operationId: 'listExperimentImports',
          tags: ['experiments'],
          summary: "The experiment's imports, oldest first",
          parameters: [experimentId],
          responses: { '200': jsonArray('imports', 'EventImport'), ...errors(401, 403, 404, 503) },
        },
      },
      '/v1/experiments/{experimentId}/imports/{importId}': {
        get: {
          operationId: 'getExperimentImport',
          tags: ['experiments'],
          summary: 'One import: its status and counts (read, accepted, duplicates, rejected by code)',
          parameters: [experimentId, { name: 'importId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': ok('the import', 'EventImport'), ...errors(401, 403, 404, 503) },
        },
      },
      '/v1/experiments/{experimentId}/stop': {
        post: {
          operationId: 'stopExperiment',
          tags: ['experiments'],
          summary: 'Stop an experiment: no more events or imports',
          parameters: [experimentId],
          responses: { '200': ok('stopped', 'Experiment'), ...errors(401, 403, 404, 503) },
        },
      },
      '/v1/experiments/{experimentId}/analysis': {
        get: {
          operationId: 'getExperimentAnalysis',
          tags: ['experiments'],
          summary:
            'The readout: sample ratio check first, then lift per metric and treatment with intervals, CUPED, Holm, guardrails, decision',
          parameters: [experimentId],
          responses: { '200': ok('the analysis', 'ExperimentAnalysis'), ...errors(401, 403, 404, 503) },
        },
      },
      '/v1/experiments/{experimentId}/causal': {
        post: {
          operationId: 'analyzeExperimentCausal',
          tags: ['experiments'],
          summary: 'Observational effect of an asset attribute or binarized score on engagement: regression, IPW, AIPW, diagnostics',
          parameters: [experimentId],
          requestBody: { $ref: '#/components/requestBodies/Causal' },
          responses: { '200': ok('the causal analysis', 'CausalAnalysis'), ...errors(400, 401, 403, 404, 409, 422, 503) },
        },
      },
      '/v1/experiments/{experimentId}/report.html': {
        get: {
          operationId: 'getExperimentReport',
          tags: ['experiments'],
          summary: 'A self-contained HTML report: SRM, lift with intervals, cumulative lift, balance and overlap',
          parameters: [experimentId],
          responses: {
            '200': { description: 'the report', content: { 'text/html': { schema: { type: 'string' } } } },
            ...errors(401, 403, 404, 503),
          },
        },
      },
      '/rate/{studyId}/api/task': {
        get: {
          operationId: 'getRaterTask',
          tags: ['rater app'],
          summary: "The rater's task on screen, or a new one",
          security: [],
          parameters: [studyId, raterToken],
          responses: { '200': ok('the task (null when nothing is left)', 'RaterTask'), ...errors(401, 404, 409, 503) },
        },
      },
      '/rate/{studyId}/api/answers': {
        post: {
          operationId: 'answerRaterTask',
          tags: ['rater app'],
          summary: 'Answer the task on screen; a resubmission is counted once',
          security: [],
          parameters: [studyId, raterToken],
          requestBody: { $ref: '#/components/requestBodies/RaterAnswer' },
          responses: { '200': ok('the next task', 'RaterTask'), ...errors(400, 401, 409, 503) },
        },
      },
      '/rate/{studyId}/api/undo': {
        post: {
          operationId: 'undoRaterAnswer',
          tags: ['rater app'],
          summary: "Withdraw the rater's last answer and reopen its task",
          security: [],
          parameters: [studyId, raterToken],
          responses: { '200': ok('the reopened task', 'RaterTask'), ...errors(401, 409, 503) },
        },
      },
      '/v1/hooks/generation': {
        post: {
          operationId: 'postGenerationHook',
          tags: ['hooks'],
          summary: 'Signed batch submission for generation pipelines',
          description:
            'Headers: `X-Assay-Timestamp` (unix seconds) and `X-Assay-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`. ' +
            'Stale timestamps and reused signatures are refused.',
          security: [],
          parameters: [
            { name: 'X-Assay-Timestamp', in: 'header', required: true, schema: { type: 'string' } },
            { name: 'X-Assay-Signature', in: 'header', required: true, schema: { type: 'string' } },
          ],
          requestBody: { $ref: '#/components/requestBodies/GenerationHook' },
          responses: { '202': ok('accepted', 'SubmitAssetsResponse'), ...errors(400, 401, 404, 409, 413, 415, 503) },
        },
      },
      '/v1/metrics': {
        get: {
          operationId: 'listMetrics',
          tags: ['metrics'],
          summary: 'Every metric with its scores: description, range, direction (higher, lower or none) and unit',
          description:
            'Read from the metric catalog (data generated from the implementations). Image metrics in video suites report ' +
            '`<metric>.<score>.<stat>` for the stats `frameStats` lists under the score direction.',
          parameters: queryParameters(ListMetricsQuery),
          responses: { '200': ok('the catalog', 'MetricCatalog'), ...errors(400, 401, 403) },
        },
      },
      '/v1/metrics/{metric}': {
        get: {
          operationId: 'getMetric',
          tags: ['metrics'],
          summary: 'One metric of the catalog',
          parameters: [{ name: 'metric', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': ok('the metric', 'Metric'), ...errors(401, 403, 404) },
        },
      },
      '/v1/suites': {
        get: {
          operationId: 'listSuites',
          tags: ['operations'],
          summary: 'Suites a run can use',
          responses: {
            '200': {
              description: 'suites',
              content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Suite' } } } },
            },
            ...errors(401, 403),
          },
        },
      },
      '/v1/models': {
        get: {
          operationId: 'listModels',
          tags: ['operations'],
          summary: 'Models the workers have loaded: id, version, task, sha256, licence, execution providers in use, and models refused',
          responses: { '200': ok('models', 'ModelsReport'), ...errors(401, 403, 503) },
        },
      },
      '/v1/queues': {
        get: {
          operationId: 'listQueues',
          tags: ['operations'],
          summary: 'Queue depths by state',
          responses: {
            '200': {
              description: 'one entry per queue',
              content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/QueueDepth' } } } },
            },
            ...errors(401, 403, 503),
          },
        },
      },
      '/v1/queues/{queue}/failed': {
        get: {
          operationId: 'listFailedJobs',
          tags: ['operations'],
          summary: 'Dead-letter view: failed jobs with reason codes',
          parameters: [
            { name: 'queue', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'start', in: 'query', schema: { type: 'integer', default: 0, minimum: 0 } },
            { name: 'limit', in: 'query', schema: { type: 'integer', default: 50, minimum: 1, maximum: 500 } },
          ],
          responses: { '200': ok('failed jobs', 'FailedJobs'), ...errors(401, 403, 404, 503) },
        },
      },
      '/healthz': {
        get: {
          operationId: 'getHealth',
          tags: ['probes'],
          summary: 'Liveness',
          security: [],
          responses: { '200': ok('alive', 'Health'), ...errors(400, 413) },
        },
      },
      '/readyz': {
        get: {
          operationId: 'getReadiness',
          tags: ['probes'],
          summary: 'Readiness: Redis and S3 reachable',
          security: [],
          responses: {
            '200': ok('ready', 'Readiness'),
            ...errors(400, 413),
            '503': {
              description: 'not ready: `checks` names the failing dependency',
              headers: { 'Retry-After': { description: 'seconds', schema: { type: 'integer', example: RETRY_AFTER_SECONDS } } },
              content: json('Readiness'),
            },
          },
        },
      },
      '/metrics': {
        get: {
          operationId: 'getMetrics',
          tags: ['probes'],
          summary: 'Prometheus exposition',
          security: [],
          responses: {
            '200': { description: 'metrics in the Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
            ...errors(400, 413),
          },
        },
      },
    },
  };
}
