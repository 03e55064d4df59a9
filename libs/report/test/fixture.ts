import { ComparisonResult, type ComparisonRecord } from '@assay/contracts';

export const HOSTILE = '<script>alert(1)</script> "quotes" & \'apostrophes\'';

/** 21 quantiles at 0, 5, …, 100 % of a roughly normal sample. */
const quantiles = (mean: number, sd: number) =>
  Array.from({ length: 21 }, (_, k) => {
    const z = [
      -2.6, -1.64, -1.28, -1.04, -0.84, -0.67, -0.52, -0.39, -0.25, -0.13, 0, 0.13, 0.25, 0.39, 0.52, 0.67, 0.84, 1.04, 1.28, 1.64, 2.6,
    ][k];
    return Math.round((mean + z * sd) * 1e4) / 1e4;
  });

const run = (side: 'baseline' | 'candidate') => ({
  runId: side === 'baseline' ? 'run_base_2024_11' : 'run_cand_2024_12',
  name: side === 'baseline' ? 'imagegen v4.2 golden' : `imagegen v5 rc1 ${HOSTILE}`,
  modelVersion: side === 'baseline' ? 'imagegen-4.2.0' : 'imagegen-5.0.0-rc1',
  suite: 'image-golden',
  modality: 'image' as const,
  closedAt: side === 'baseline' ? '2024-11-30T18:00:00Z' : '2024-12-14T09:12:00Z',
  records: 2000,
  completed: side === 'baseline' ? 1990 : 1984,
  failed: side === 'baseline' ? 10 : 16,
});

const side = (n: number, mean: number, std: number) => ({ n, mean, median: mean, std });

/** A realistic NO_GO comparison: one worse score, one better, one no difference, one with a hostile label. */
export function fixtureResult(): ComparisonResult {
  return ComparisonResult.parse({
    schemaVersion: 1,
    id: 'cmp_01HZX5',
    createdAt: '2024-12-14T10:00:00Z',
    finishedAt: '2024-12-14T10:03:27Z',
    assayVersion: '0.7.0',
    baseline: run('baseline'),
    candidate: run('candidate'),
    settings: {
      alpha: 0.05,
      level: 0.95,
      gateLevel: 0.9875,
      seed: 1,
      resamples: 10000,
      bootstrapMaxN: 5000,
      multipleTesting: 'holm',
      slices: ['style'],
      sliceMinN: 30,
      gatedScores: ['clip_score', 'aesthetic'],
    },
    pairing: { key: 'prompt_id', pairs: 1950, share: 0.98, paired: true, duplicateKeys: 3 },
    scores: [
      {
        score: 'clip_score',
        direction: 'higher',
        unit: 'cosine',
        metricVersion: '1.2.0',
        baseline: side(1990, 0.312, 0.041),
        candidate: side(1984, 0.298, 0.044),
        paired: true,
        pairs: 1950,
        difference: { value: -0.014, ci: [-0.0168, -0.0112], method: 'bca_bootstrap', gateCi: [-0.0175, -0.0105] },
        candidateMean: { value: 0.298, ci: [0.296, 0.3], method: 'bca_bootstrap' },
        test: 'wilcoxon_signed_rank',
        pValue: 1.2e-12,
        pAdjusted: 3.6e-12,
        effectSize: { kind: 'cohens_dz', value: -0.33 },
        reading: 'worse',
        quantiles: { baseline: quantiles(0.312, 0.041), candidate: quantiles(0.298, 0.044) },
      },
      {
        score: 'aesthetic',
        direction: 'higher',
        metricVersion: '2.0.1',
        baseline: side(1990, 5.41, 0.82),
        candidate: side(1984, 5.63, 0.79),
        paired: true,
        pairs: 1950,
        difference: { value: 0.22, ci: [0.17, 0.27], method: 'bca_bootstrap', gateCi: [0.16, 0.28] },
        candidateMean: { value: 5.63, ci: [5.59, 5.67], method: 'bca_bootstrap' },
        test: 'wilcoxon_signed_rank',
        pValue: 3.1e-9,
        pAdjusted: 6.2e-9,
        effectSize: { kind: 'cohens_dz', value: 0.27 },
        reading: 'better',
        quantiles: { baseline: quantiles(5.41, 0.82), candidate: quantiles(5.63, 0.79) },
      },
      {
        score: 'lpips_artifacts',
        direction: 'lower',
        metricVersion: '1.0.0',
        baseline: side(1990, 0.121, 0.05),
        candidate: side(1984, 0.119, 0.052),
        paired: true,
        pairs: 1950,
        difference: { value: -0.002, ci: [-0.0045, 0.0005], method: 'paired_t' },
        candidateMean: { value: 0.119, ci: [0.117, 0.121], method: 'paired_t' },
        test: 'wilcoxon_signed_rank',
        pValue: 0.21,
        pAdjusted: 0.21,
        effectSize: { kind: 'cohens_dz', value: null },
        reading: 'no_detectable_difference',
        quantiles: { baseline: quantiles(0.121, 0.05), candidate: quantiles(0.119, 0.052) },
      },
      {
        score: `text_legibility ${HOSTILE}`,
        direction: 'none',
        unit: 'chars/s',
        metricVersion: '0.3.0',
        baseline: side(400, 12.5, 3.1),
        candidate: side(410, 14.2, 3.3),
        paired: false,
        difference: { value: 1.7, ci: [1.26, null], method: 'welch_t' },
        candidateMean: { value: 14.2, ci: [13.9, 14.5], method: 'welch_t' },
        test: 'mann_whitney_u',
        pValue: 0.0004,
        pAdjusted: 0.0008,
        effectSize: { kind: 'hedges_g', value: 0.53 },
        reading: 'increased',
        quantiles: { baseline: quantiles(12.5, 3.1), candidate: quantiles(14.2, 3.3) },
      },
    ],
    excludedScores: [{ score: 'ocr_accuracy', reason: 'candidate_only', detail: `the baseline run has no ocr_accuracy values ${HOSTILE}` }],
    passRates: [
      {
        scope: 'assets',
        baseline: { count: 1791, n: 1990, rate: 0.9, ci: [0.886, 0.912] },
        candidate: { count: 1726, n: 1984, rate: 0.87, ci: [0.855, 0.884], gateCi: [0.85, 0.888] },
        paired: true,
        difference: { value: -0.03, ci: [-0.046, -0.014], method: 'newcombe_paired', gateCi: [-0.05, -0.01] },
      },
    ],
    safety: [
      {
        score: 'nsfw_flagged',
        baseline: { count: 2, n: 1990, rate: 0.001, ci: [0.0003, 0.0036], upper: 0.0032 },
        candidate: { count: 0, n: 1984, rate: 0, ci: [0, 0.0019], upper: 0.0015, gateUpper: 0.0022 },
        difference: { value: -0.001, ci: [-0.0036, 0.0009], method: 'newcombe_hybrid_score' },
      },
    ],
    latency: [
      {
        source: 'generation',
        n: { baseline: 1990, candidate: 1984 },
        quantiles: [0.5, 0.95, 0.99].map((q, i) => ({
          q,
          baseline: { value: [820, 1450, 2100][i], ci: [[805, 1410, 1980][i], [836, 1495, 2260][i]], method: 'order_statistic' },
          candidate: {
            value: [910, 1720, 2650][i],
            ci: [[893, 1670, 2480][i], [928, 1780, i === 2 ? null : 2900][i]],
            method: 'order_statistic',
          },
          ratio: {
            value: [1.11, 1.19, 1.26][i],
            ci: [[1.08, 1.13, 1.12][i], [1.14, 1.25, i === 2 ? null : 1.41][i]],
            method: 'quantile_bootstrap',
          },
        })),
      },
    ],
    slices: [
      {
        key: 'style',
        minN: 30,
        slices: [
          {
            value: 'photo',
            baseline: {
              n: 1200,
              passRate: { count: 1090, n: 1200, rate: 0.908, ci: [0.891, 0.923] },
              means: { clip_score: 0.315, aesthetic: 5.5 },
            },
            candidate: {
              n: 1190,
              passRate: { count: 1050, n: 1190, rate: 0.882, ci: [0.863, 0.9] },
              means: { clip_score: 0.3, aesthetic: 5.7 },
            },
            judged: true,
          },
          {
            value: 'anime',
            baseline: {
              n: 770,
              passRate: { count: 690, n: 770, rate: 0.896, ci: [0.873, 0.916] },
              means: { clip_score: 0.308, aesthetic: 5.3 },
            },
            candidate: {
              n: 775,
              passRate: { count: 662, n: 775, rate: 0.854, ci: [0.828, 0.877] },
              means: { clip_score: 0.295, aesthetic: 5.55 },
            },
            judged: true,
          },
          {
            value: `pixel-art ${HOSTILE}`,
            baseline: {
              n: 20,
              passRate: { count: 11, n: 20, rate: 0.55, ci: [0.342, 0.742] },
              means: { clip_score: 0.28, aesthetic: 4.9 },
            },
            candidate: {
              n: 19,
              passRate: { count: 14, n: 19, rate: 0.737, ci: [0.512, 0.882] },
              means: { clip_score: 0.27, aesthetic: 5.1 },
            },
            judged: false,
          },
        ],
        disparity: {
          lowest: { value: 'anime', rate: 0.854 },
          highest: { value: 'photo', rate: 0.882 },
          ratio: { value: 0.968, ci: [0.93, 1.0], method: 'slice_bootstrap' },
          gap: { value: 0.028, ci: [-0.004, 0.061], method: 'slice_bootstrap' },
        },
      },
    ],
    distribution: [
      {
        model: { id: 'nsfw-mobilenet-v2', version: '4.3.0', sha256: 'a'.repeat(64), features: `MobileNetV2${HOSTILE}`, dims: 1280 },
        labels: { frechet: 'FD_MobileNetV2', kid: 'KID_MobileNetV2', cmmd: 'CMMD_MobileNetV2' },
        frechet: { value: 12.3456, meanTerm: 2.1, traceSqrt: 40.2, n: [812, 775] },
        kid: { mean: 0.0123, std: 0.0011, subsets: 100, subsetSize: 775 },
        cmmd: 0.842,
        prdc: { precision: 0.71, recall: 0.64, density: 0.93, coverage: 0.82, k: 5 },
        sampled: [812, 775],
      },
    ],
    verdict: {
      policy: { name: 'image-launch', description: `Default image launch policy ${HOSTILE}`, source: 'builtin:image-launch.yaml' },
      outcome: 'NO_GO',
      criteria: [
        {
          id: 'completeness',
          type: 'completeness',
          description: 'at least 99 % of assets completed',
          outcome: 'pass',
          value: 0.992,
          interval: null,
          level: null,
          limit: 0.99,
          method: 'count',
          evidence: 'candidate completed 1,984 of 2,000 (99.2 %); it must be ≥ 99 %: passes',
        },
        {
          id: 'non-inferiority-clip-score',
          type: 'non_inferiority',
          description: 'clip_score no more than 0.01 below the baseline',
          outcome: 'fail',
          value: -0.014,
          interval: [-0.0175, -0.0105],
          level: 0.9875,
          limit: -0.01,
          method: 'bca_bootstrap',
          evidence: 'clip_score candidate − baseline = -0.0140 [-0.0175, -0.0105] at 98.75 %; it must be ≥ -0.0100: fails',
        },
        {
          id: 'superiority-aesthetic',
          type: 'superiority',
          description: 'aesthetic better than the baseline',
          outcome: 'pass',
          value: 0.22,
          interval: [0.16, 0.28],
          level: 0.9875,
          limit: 0,
          method: 'bca_bootstrap',
          evidence: 'aesthetic candidate − baseline = 0.220 [0.160, 0.280] at 98.75 %; it must be > 0.0: passes',
        },
        {
          id: 'safety-nsfw-flagged',
          type: 'safety',
          description: 'nsfw_flagged rate at most 0.5 %',
          outcome: 'pass',
          value: 0,
          interval: [0, 0.0022],
          level: 0.9875,
          limit: 0.005,
          method: 'clopper_pearson',
          evidence: 'nsfw_flagged rate = 0.0 [0.0, 0.00220] at 98.75 %; it must be ≤ 0.00500: passes',
        },
        {
          id: 'latency-generation-p99',
          type: 'latency',
          description: 'generation p99 at most 1.2× the baseline',
          outcome: 'inconclusive',
          value: 1.26,
          interval: [1.1, null],
          level: 0.9875,
          limit: 1.2,
          method: 'quantile_bootstrap',
          evidence: 'generation p99 candidate / baseline = 1.26 [1.10, –] at 98.75 %; it must be ≤ 1.20: is inconclusive',
        },
        {
          id: 'fairness-style',
          type: 'fairness',
          description: 'pass-rate ratio across styles at least 0.8',
          outcome: 'skipped',
          value: null,
          interval: null,
          level: null,
          limit: 0.8,
          method: 'none',
          evidence: 'style was not measured (optional); the criterion is optional',
        },
      ],
    },
    runMetrics: [
      { name: 'score-deltas', version: '1.0.0' },
      { name: 'pass-rate-deltas', version: '1.0.0' },
    ],
  });
}

export function fixtureRecord(result: ComparisonResult = fixtureResult()): ComparisonRecord {
  return {
    id: result.id,
    baselineRunId: result.baseline.runId,
    candidateRunId: result.candidate.runId,
    modality: 'image',
    policy: result.verdict.policy.name,
    slices: ['style'],
    seed: 1,
    resamples: 10000,
    createdAt: '2024-12-14T09:59:58Z',
    requestId: 'req_7f3a',
  };
}
