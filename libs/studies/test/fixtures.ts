import { CreateStudyRequest, newStudyId, type StudyItem, type StudyRecord } from '@assay/contracts';

/** A study record as the service would store it, from a request's settings. */
export function studyRecord(over: Partial<CreateStudyRequest> & { items: number; goldItems?: number; goldRate?: number }): StudyRecord {
  const { items, goldItems = 0, goldRate = 0, ...req } = over;
  const parsed = CreateStudyRequest.parse({
    name: 'test study',
    protocol: 'likert',
    runs: ['run_a', 'run_b'],
    instructions: 'Rate each image.',
    dimensions: [{ key: 'quality', label: 'Visual quality', instructions: 'Judge sharpness and artifacts.' }],
    ...req,
  });
  const { runs, gold: _gold, ...settings } = parsed;
  return {
    ...settings,
    id: newStudyId(),
    runs: runs.map((runId, i) => ({ runId, modelVersion: `v${i + 1}`, name: runId })),
    goldRate,
    items,
    goldItems,
    createdAt: new Date().toISOString(),
    status: 'open',
  };
}

/** `n` items of one asset each (or two for pairwise), alternating between the study's runs. */
export function makeItems(study: StudyRecord, n: number, scores: (i: number) => Record<string, number> = () => ({})): StudyItem[] {
  return Array.from({ length: n }, (_, i) => {
    const asset = (run: number) => ({
      runId: study.runs[run].runId,
      assetId: `asset-${i}-${run}`,
      modelVersion: study.runs[run].modelVersion,
      modality: 'image' as const,
      uri: `s3://assay/runs/${study.runs[run].runId}/content/${i}`,
      scores: scores(i * 2 + run),
    });
    return {
      id: `i-${String(i + 1).padStart(6, '0')}`,
      gold: false,
      prompt: `prompt ${i}`,
      assets: study.protocol === 'pairwise' ? [asset(0), asset(1)] : [asset(i % study.runs.length)],
      attributes: { category: i % 2 ? 'people' : 'objects' },
    };
  });
}
