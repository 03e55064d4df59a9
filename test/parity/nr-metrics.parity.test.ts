/**
 * BRISQUE against OpenCV contrib's own `cv2.quality.QualityBRISQUE_compute`, NIQE against a port of BasicSR's
 * niqe.py (test/parity/reference_nr.py), on the 45 images of the parity set, plus OpenCV's published
 * BRISQUE test value for RubberWhale1.png.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '@assay/media';
import { evaluate, MetricRegistry, type ModelRunner, type ResolvedMetric } from '@assay/scoring';
import { loadParityImage, paritySet, relErr, removeParitySet, runReference, type ParitySet } from './parity.js';

afterAll(removeParitySet);

/** the task's bound; on x86-64 with FMA the features and score are bit-identical (observed error 0) */
const BRISQUE_REL_TOL = 0.005;
/** observed ≤ 6e-6: float32 means in numpy vs float64 sums here, and BLAS order in np.cov */
const NIQE_REL_TOL = 1e-4;
/** opencv_contrib modules/quality/test/test_brisque.cpp: RubberWhale1.png, QUALITY_ERR_TOLERANCE */
const RUBBERWHALE_BRISQUE = 9.7544803619384766;
const RUBBERWHALE_TOL = 0.002;

const noModels: ModelRunner = { run: () => Promise.reject(new Error('no model in this test')) };
const ctx = { models: noModels, file: (rel: string) => join('../shared/models', rel) };

type Reference = Record<string, { brisque: number; niqe?: number }>;

describe('no-reference metrics: parity with OpenCV (BRISQUE) and BasicSR (NIQE)', () => {
  let set: ParitySet;
  let ref: Reference;
  let metrics: ResolvedMetric[];
  const ours = new Map<string, Record<string, number>>();

  beforeAll(async () => {
    set = await paritySet();
    ref = await runReference<Reference>('test/parity/reference_nr.py', set);
    const registry = await MetricRegistry.load();
    metrics = registry.resolveSuite({
      name: 'nr-parity',
      source: 'test',
      metrics: ['brisque', 'niqe'].map((metric) => ({ metric, params: {}, thresholds: {} })),
    }).metrics;
    for (const { file } of set.images) {
      const ev = await evaluate(metrics, { image: await loadParityImage(set, file), attributes: {} }, ctx);
      ours.set(file, ev.scores);
    }
  }, 300_000);

  it('the reference covers all 45 images with both metrics', () => {
    expect(set.images).toHaveLength(45);
    expect(Object.keys(ref).sort()).toEqual(set.images.map((i) => i.file).sort());
    for (const r of Object.values(ref)) {
      expect(Number.isFinite(r.brisque)).toBe(true);
      expect(Number.isFinite(r.niqe)).toBe(true);
    }
  });

  it(`BRISQUE is within ${BRISQUE_REL_TOL * 100} % of OpenCV on every image`, () => {
    const off = set.images
      .map(({ file }) => ({ file, got: ours.get(file)?.['brisque.score'], want: ref[file].brisque }))
      .filter(({ got, want }) => got === undefined || !(relErr(got, want) <= BRISQUE_REL_TOL));
    expect(off).toEqual([]);
  });

  it(`NIQE is within ${NIQE_REL_TOL} relative of the BasicSR port on every image`, () => {
    const off = set.images
      .map(({ file }) => ({ file, got: ours.get(file)?.['niqe.score'], want: ref[file].niqe! }))
      .filter(({ got, want }) => got === undefined || !(relErr(got, want) <= NIQE_REL_TOL));
    expect(off).toEqual([]);
  });

  it("matches OpenCV's published BRISQUE for RubberWhale1.png (opencv-doc's rubberwhale1.png)", async () => {
    const image = await decodeImage(readFileSync('/usr/share/doc/opencv-doc/examples/data/rubberwhale1.png'), {
      maxBytes: 1e9,
      maxPixels: 1e9,
    });
    expect([image.width, image.height]).toEqual([584, 388]);
    const ev = await evaluate(
      metrics.filter((m) => m.def.name === 'brisque'),
      { image, attributes: {} },
      ctx,
    );
    expect(Math.abs(ev.scores['brisque.score'] - RUBBERWHALE_BRISQUE)).toBeLessThanOrEqual(RUBBERWHALE_TOL);
    // the parity set's copy is the same pixels, so OpenCV 4.6 on it is the reference for that file
    expect(ev.scores['brisque.score']).toBe(ours.get('rubberwhale1__original.png')!['brisque.score']);
  });
});
