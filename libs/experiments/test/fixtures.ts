import { CreateExperimentRequest, newExperimentId, type ExperimentEvent, type ExperimentRecord } from '@assay/contracts';

/** An experiment record as the API makes it: the request's defaults filled in. */
export function experimentRecord(over: Partial<CreateExperimentRequest> = {}): ExperimentRecord {
  const req = CreateExperimentRequest.parse({
    name: 'hero images',
    unit: 'user',
    variants: [{ key: 'control' }, { key: 'treatment' }],
    primaryMetric: { key: 'ctr', kind: 'ratio', numerator: { event: 'click' }, denominator: { event: 'impression' } },
    ...over,
  });
  return {
    ...req,
    control: req.control ?? req.variants[0].key,
    id: newExperimentId(),
    status: 'running',
    createdAt: new Date().toISOString(),
  };
}

export const event = (
  eventId: string,
  unitId: string,
  variant: string,
  type: ExperimentEvent['type'],
  over: Partial<ExperimentEvent> = {},
): ExperimentEvent => ({ eventId, unitId, variant, type, value: 0, timestamp: '2026-11-03T10:00:00Z', ...over });
