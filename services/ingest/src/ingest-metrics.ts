import { Counter, Histogram, type Registry } from 'prom-client';
import { API_ERROR_CODES, ENABLED_MODALITIES, StudyProtocol } from '@assay/contracts';
import { zeroSeries } from '@assay/observability';

export function createIngestMetrics(registry: Registry) {
  const metrics = {
    httpSeconds: new Histogram({
      name: 'assay_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status code.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    submitted: new Counter({
      name: 'assay_assets_submitted_total',
      help: 'Assets accepted for scoring (duplicates excluded), by modality.',
      labelNames: ['modality'],
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'assay_assets_duplicate_total',
      help: 'Asset submissions ignored because the run already had that asset id.',
      labelNames: ['modality'],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'assay_requests_rejected_total',
      help: 'Requests answered with an error, by stable error code.',
      labelNames: ['code'],
      registers: [registry],
    }),
    studyAnswers: new Counter({
      name: 'assay_study_answers_total',
      help: 'Answers recorded in human evaluation studies (resubmissions not counted), by protocol and source.',
      labelNames: ['protocol', 'source'],
      registers: [registry],
    }),
    uploadedBytes: new Counter({
      name: 'assay_upload_bytes_total',
      help: 'Bytes of asset content uploaded through the API.',
      registers: [registry],
    }),
  };
  zeroSeries(metrics.submitted, { modality: ENABLED_MODALITIES });
  zeroSeries(metrics.duplicates, { modality: ENABLED_MODALITIES });
  zeroSeries(metrics.rejected, { code: API_ERROR_CODES });
  zeroSeries(metrics.studyAnswers, { protocol: StudyProtocol.options, source: ['app', 'label-studio'] });
  return metrics;
}
export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
