/**
 * Colour-tagged images: Assay converts an embedded profile to sRGB before scoring (what a person sees),
 * OpenCV alone ignores it. So parity for tagged images is stated against OpenCV run on the pixels converted
 * with LittleCMS (Pillow's ImageCms, Debian's python3-pil; test/parity/colour_profile_reference.py): real
 * opencv-doc photographs written in Adobe RGB (1998) and L*-RGB with the profile embedded, as cameras and
 * editors write them. Tolerances: BRISQUE within 1 %, sharpness within 1e-3 relative (libvips and Pillow
 * both use LittleCMS but not the same sRGB profile: a few pixels differ by one level).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, type DecodedImage } from '@assay/media';
import { evaluate, MetricRegistry, type ModelRunner } from '@assay/scoring';
import { PYTHON, relErr } from './parity.js';

const BRISQUE_REL_TOL = 0.01;
const SHARPNESS_REL_TOL = 1e-3;

interface Scores {
  brisque: number;
  sharpness: number;
}
type Reference = Record<string, { profile: string; converted: Scores; untagged: Scores }>;

const noModels: ModelRunner = { run: () => Promise.reject(new Error('no model in this test')) };
const ctx = { models: noModels, file: (rel: string) => join('../shared/models', rel) };
let dir: string;
let ref: Reference;
const decoded = new Map<string, DecodedImage>();
const ours = new Map<string, Scores>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'assay-parity-icc-'));
  const { stdout } = await promisify(execFile)(PYTHON, ['test/parity/colour_profile_reference.py', dir], { encoding: 'utf8' });
  ref = JSON.parse(stdout) as Reference;
  const metrics = (await MetricRegistry.load()).resolveSuite({
    name: 'icc-parity',
    source: 'test',
    metrics: ['brisque', 'sharpness'].map((metric) => ({ metric, params: {}, thresholds: {} })),
  }).metrics;
  for (const file of Object.keys(ref)) {
    const image = await decodeImage(readFileSync(join(dir, file)), { maxBytes: 1e9, maxPixels: 1e9 });
    decoded.set(file, image);
    const { scores } = await evaluate(metrics, { image, attributes: {} }, ctx);
    ours.set(file, { brisque: scores['brisque.score'], sharpness: scores['sharpness.laplacian_variance'] });
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('images with an embedded colour profile: parity after conversion to sRGB', () => {
  it('records the profile and the conversion in every result', () => {
    expect(Object.keys(ref)).toHaveLength(6);
    for (const [file, image] of decoded) {
      expect(image.info.colourProfile, file).toEqual({ embedded: ref[file].profile, handling: 'converted_to_srgb' });
    }
  });

  it(`BRISQUE within ${BRISQUE_REL_TOL * 100} % and sharpness within ${SHARPNESS_REL_TOL} of OpenCV on the LittleCMS-converted pixels`, () => {
    const rows = Object.entries(ref).map(([file, r]) => ({
      file,
      brisque: relErr(ours.get(file)!.brisque, r.converted.brisque),
      sharpness: relErr(ours.get(file)!.sharpness, r.converted.sharpness),
      untaggedBrisque: relErr(ours.get(file)!.brisque, r.untagged.brisque),
    }));
    console.info(
      `colour-profile parity (relative errors):\n  ${rows
        .map(
          (r) =>
            `${r.file}: BRISQUE ${r.brisque.toExponential(1)}, sharpness ${r.sharpness.toExponential(1)} (vs untagged BRISQUE ${r.untaggedBrisque.toFixed(3)})`,
        )
        .join('\n  ')}`,
    );
    for (const r of rows) {
      expect(r.brisque, r.file).toBeLessThanOrEqual(BRISQUE_REL_TOL);
      expect(r.sharpness, r.file).toBeLessThanOrEqual(SHARPNESS_REL_TOL);
    }
  });

  it('ignoring the profile, as OpenCV alone does, scores other pixels: the conversion matters', () => {
    const apart = Object.entries(ref).filter(([file, r]) => relErr(ours.get(file)!.sharpness, r.untagged.sharpness) > 0.02);
    expect(apart.length).toBeGreaterThanOrEqual(5);
  });
});
