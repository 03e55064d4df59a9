import { z } from 'zod';
import {
  CreateRunRequest,
  ERROR_CODES,
  HookRequest,
  MAX_ASSETS_PER_REQUEST,
  ResultRecord,
  RunSummary,
  RunView,
  SubmitAssetsRequest,
  SubmitAssetsResponse,
} from '@assay/contracts';

const schema = (s: z.ZodType, io: 'input' | 'output' = 'output') => z.toJSONSchema(s, { io, unrepresentable: 'any' });

const ErrorEnvelope = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES as unknown as [string, ...string[]]),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
  requestId: z.string(),
});

const UploadResult = z.object({
  runId: z.string(),
  assetId: z.string(),
  jobId: z.string(),
  sha256: z.string(),
  uri: z.string(),
  duplicate: z.boolean(),
});

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { description: 'error (see docs/errors.md)', content: json('Error') }]));
const runId = { name: 'runId', in: 'path', required: true, schema: { type: 'string' } };
const assetId = { name: 'assetId', in: 'path', required: true, description: 'URL-encoded client asset id', schema: { type: 'string' } };

/** The OpenAPI 3.1 document, generated from the same zod schemas the API validates with. */
export function buildOpenApi(version = '0.1.0') {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Assay ingest API',
      version,
      description:
        'Submit generated assets for evaluation, follow runs, read summaries. Errors carry a stable `code` (docs/errors.md). ' +
        `At most ${MAX_ASSETS_PER_REQUEST} assets per request.`,
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from ASSAY_API_KEYS' },
      },
      schemas: {
        CreateRunRequest: schema(CreateRunRequest, 'input'),
        Run: schema(RunView),
        SubmitAssetsRequest: schema(SubmitAssetsRequest, 'input'),
        SubmitAssetsResponse: schema(SubmitAssetsResponse),
        HookRequest: schema(HookRequest, 'input'),
        UploadResult: schema(UploadResult),
        ResultRecord: schema(ResultRecord),
        RunSummary: schema(RunSummary),
        Error: schema(ErrorEnvelope),
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      '/v1/runs': {
        post: {
          summary: 'Create a run',
          requestBody: { required: true, content: json('CreateRunRequest') },
          responses: { '201': { description: 'created', content: json('Run') }, ...errors(400, 401, 403, 503) },
        },
      },
      '/v1/runs/{runId}': {
        get: {
          summary: 'A run with counts by state',
          parameters: [runId],
          responses: { '200': { description: 'the run', content: json('Run') }, ...errors(401, 403, 404) },
        },
      },
      '/v1/runs/{runId}/assets': {
        post: {
          summary: `Submit up to ${MAX_ASSETS_PER_REQUEST} assets (idempotent by assetId)`,
          parameters: [runId],
          requestBody: { required: true, content: json('SubmitAssetsRequest') },
          responses: {
            '202': { description: 'accepted', content: json('SubmitAssetsResponse') },
            ...errors(400, 401, 403, 404, 409, 413, 503),
          },
        },
      },
      '/v1/runs/{runId}/assets/{assetId}/content': {
        put: {
          summary: 'Upload the bytes of a declared asset (stored content-addressed, then queued)',
          parameters: [runId, assetId],
          requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
          responses: {
            '202': { description: 'stored and queued', content: json('UploadResult') },
            ...errors(400, 401, 403, 404, 409, 413, 415, 503),
          },
        },
      },
      '/v1/runs/{runId}/assets/{assetId}': {
        get: {
          summary: 'State, scores, errors and provenance of one asset',
          parameters: [runId, assetId],
          responses: { '200': { description: 'the asset; `result` is a ResultRecord once finished' }, ...errors(401, 403, 404) },
        },
      },
      '/v1/runs/{runId}/close': {
        post: {
          summary: 'Close a run: the final summary is written once every asset has a result',
          parameters: [runId],
          responses: { '202': { description: 'closing', content: json('Run') }, ...errors(401, 403, 404) },
        },
      },
      '/v1/runs/{runId}/summary': {
        get: {
          summary: 'Run summary (final once closed, live before)',
          parameters: [runId],
          responses: { '200': { description: 'summary', content: json('RunSummary') }, ...errors(401, 403, 404) },
        },
      },
      '/v1/hooks/generation': {
        post: {
          summary: 'Signed batch submission for generation pipelines',
          description:
            'Headers: `X-Assay-Timestamp` (unix seconds) and `X-Assay-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`. ' +
            'Stale timestamps and reused signatures are refused.',
          security: [],
          parameters: [
            { name: 'X-Assay-Timestamp', in: 'header', required: true, schema: { type: 'string' } },
            { name: 'X-Assay-Signature', in: 'header', required: true, schema: { type: 'string' } },
          ],
          requestBody: { required: true, content: json('HookRequest') },
          responses: { '202': { description: 'accepted', content: json('SubmitAssetsResponse') }, ...errors(400, 401, 404, 409, 413, 503) },
        },
      },
      '/v1/suites': { get: { summary: 'Suites a run can use', responses: { '200': { description: 'suites' } } } },
      '/v1/models': {
        get: {
          summary: 'Models the workers have loaded: id, version, task, sha256, licence, execution providers in use, and models refused',
          responses: { '200': { description: 'models' }, ...errors(401, 403) },
        },
      },
      '/v1/queues': { get: { summary: 'Queue depths by state', responses: { '200': { description: 'queues' } } } },
      '/v1/queues/{queue}/failed': {
        get: {
          summary: 'Dead-letter view: failed jobs with reason codes',
          parameters: [
            { name: 'queue', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'start', in: 'query', schema: { type: 'integer', default: 0 } },
            { name: 'limit', in: 'query', schema: { type: 'integer', default: 50, maximum: 500 } },
          ],
          responses: { '200': { description: 'failed jobs' }, ...errors(401, 403, 404) },
        },
      },
      '/healthz': { get: { summary: 'Liveness', security: [], responses: { '200': { description: 'alive' } } } },
      '/readyz': {
        get: {
          summary: 'Readiness: Redis and S3 reachable',
          security: [],
          responses: { '200': { description: 'ready' }, '503': { description: 'not ready' } },
        },
      },
      '/metrics': { get: { summary: 'Prometheus exposition', security: [], responses: { '200': { description: 'metrics' } } } },
    },
  };
}
