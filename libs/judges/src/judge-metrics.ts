import { Counter, Histogram, Registry, type Metric } from 'prom-client';

/** What one HTTP attempt came to; a fixed set, so the `outcome` label stays bounded. */
export const ATTEMPT_OUTCOMES = ['ok', 'invalid_answer', 'http_4xx', 'http_429', 'http_5xx', 'timeout', 'network'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

const DURATION_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120];
/** judge names come from suites; past this many distinct ones, further names are counted as `other` */
const MAX_JUDGE_LABELS = 32;

function getOrCreate<M extends Metric>(registry: Registry, name: string, create: () => M): M {
  // a second client on the same registry (tests, or a re-created client) shares the series
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

export class JudgeMetrics {
  readonly requests: Counter<'judge' | 'outcome'>;
  readonly duration: Histogram<'judge'>;
  readonly tokens: Counter<'judge' | 'kind'>;
  readonly retries: Counter<'judge'>;
  private readonly labels = new Set<string>();

  constructor(registry: Registry = new Registry()) {
    const registers = [registry];
    this.requests = getOrCreate(
      registry,
      'assay_judge_requests_total',
      () =>
        new Counter({
          name: 'assay_judge_requests_total',
          help: 'Judge HTTP requests (every attempt), by outcome',
          labelNames: ['judge', 'outcome'],
          registers,
        }),
    );
    this.duration = getOrCreate(
      registry,
      'assay_judge_request_duration_seconds',
      () =>
        new Histogram({
          name: 'assay_judge_request_duration_seconds',
          help: 'Duration of one judge HTTP request, response body included',
          labelNames: ['judge'],
          buckets: DURATION_BUCKETS_SECONDS,
          registers,
        }),
    );
    this.tokens = getOrCreate(
      registry,
      'assay_judge_tokens_total',
      () =>
        new Counter({
          name: 'assay_judge_tokens_total',
          help: 'Tokens the judge endpoint reported in `usage`',
          labelNames: ['judge', 'kind'],
          registers,
        }),
    );
    this.retries = getOrCreate(
      registry,
      'assay_judge_retries_total',
      () =>
        new Counter({
          name: 'assay_judge_retries_total',
          help: 'Judge requests sent again after a retryable failure',
          labelNames: ['judge'],
          registers,
        }),
    );
  }

  /** The label for a judge name, bounded in number. */
  label(judge: string): string {
    if (this.labels.has(judge)) return judge;
    if (this.labels.size >= MAX_JUDGE_LABELS) return 'other';
    this.labels.add(judge);
    return judge;
  }
}
