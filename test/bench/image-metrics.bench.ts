/**
 * npm run bench:image-metrics — milliseconds per image for every registered image metric at 512×512 and
 * 1024×1024 (median of ROUNDS, after a warm-up), with ONNX Runtime and libvips on one thread; and, in the
 * same run, scikit-image's SSIM and PSNR and OpenCV's BRISQUE (cv2.setNumThreads(1)) on the same files,
 * with the ratio ours / reference (< 1: we are faster).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { InferenceHost } from '@assay/inference';
import { decodeImage } from '@assay/media';
import { MetricNotApplicable, MetricRegistry, resolveCatalogFiles } from '@assay/scoring';
import { ModelKit, ModelLoadError, ModelRegistry, resolveModel } from '@assay/models';
import { ClipBpeTokenizer } from '@assay/tokenizers';
import { quietLogger } from '../helpers/env.js';
import { cases, median, rounds, table } from './stats.js';

const ROUNDS = rounds(7);
const SIZES = cases([512, 1024]);
const MODELS = process.env.MODEL_DIR ?? '../shared/models';
// data/models holds what npm start converts (the NSFW classifier)
const MODEL_DIRS = [MODELS, 'data/models'];
const PHOTO = '/usr/share/doc/opencv-doc/examples/data/baboon.jpg';
const PYTHON = process.env.PARITY_PYTHON ?? '/usr/bin/python3';
const COMPARE: Record<string, string> = { ssim: 'ssim', psnr: 'psnr', brisque: 'brisque' };

const dir = mkdtempSync(join(tmpdir(), 'assay-bench-'));
const manifest: Record<string, { image: string; reference: string }> = {};
for (const size of SIZES) {
  await sharp(PHOTO)
    .resize(size, size, { kernel: 'lanczos3' })
    .png()
    .toFile(join(dir, `ref-${size}.png`));
  await sharp(join(dir, `ref-${size}.png`))
    .blur(1.2)
    .png()
    .toFile(join(dir, `img-${size}.png`));
  manifest[size] = { image: `img-${size}.png`, reference: `ref-${size}.png` };
}
writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));

const registry = await MetricRegistry.load();
// image metrics only: video and audio metrics take other inputs
const metrics = registry
  .all()
  .filter((m) => m.modality === 'image')
  .sort((a, b) => a.name.localeCompare(b.name));
const host = new InferenceHost(['cpu'], quietLogger(), undefined, { intraOpThreads: 1 });
for (const id of new Set(metrics.flatMap((m) => m.needs.models ?? []))) await host.load(resolveModel(id, [MODELS]));
const files = resolveCatalogFiles([...new Set(metrics.flatMap((m) => m.needs.files ?? []))], [MODELS]).found;
// the worker's model kit: metrics whose model this machine lacks are listed as not measured, with the reason
const modelCalls = new ModelKit(await ModelRegistry.open({ host, modelDirs: MODEL_DIRS }), host, (_spec, vocab) =>
  ClipBpeTokenizer.load(vocab),
);
const ctx = { models: host, modelCalls, file: (rel: string) => files.get(rel) ?? rel };
const limits = { maxBytes: 1e9, maxPixels: 1e9 };

const ours: Record<string, Record<string, number>> = {};
const skipped = new Map<string, string>();
for (const size of SIZES) {
  const image = await decodeImage(readFileSync(join(dir, manifest[size].image)), limits);
  const reference = await decodeImage(readFileSync(join(dir, manifest[size].reference)), limits);
  for (const m of metrics) {
    const params = m.params ? m.params.parse({}) : {};
    const input = { image, reference, prompt: 'a photograph of a baboon', attributes: {} };
    try {
      await m.compute(input, ctx, params); // warm-up (also loads parameter files)
    } catch (err) {
      // e.g. judges or models this machine does not have
      if (!(err instanceof MetricNotApplicable || err instanceof ModelLoadError)) throw err;
      skipped.set(m.name, err.message);
      continue;
    }
    const times: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // a fresh copy, so per-image caches (luma, text detection) do not flatter later rounds
      const fresh = { ...input, image: { ...image, rgb: image.rgb.slice() } };
      const t = performance.now();
      await m.compute(fresh, ctx, params);
      times.push(performance.now() - t);
    }
    (ours[m.name] ??= {})[size] = median(times);
  }
}
await host.close();

const py = spawnSync(
  PYTHON,
  [
    'test/bench/image_metrics_reference.py',
    dir,
    String(ROUNDS),
    join(MODELS, 'brisque/brisque_model_live.yml'),
    join(MODELS, 'brisque/brisque_range_live.yml'),
  ],
  { encoding: 'utf8' },
);
if (py.status !== 0) throw new Error(`reference timing failed:\n${py.stderr}`);
const ref = JSON.parse(py.stdout) as Record<string, Record<string, number>>;
rmSync(dir, { recursive: true, force: true });

const fmt = (v: number | undefined) => (v === undefined ? '' : v < 10 ? v.toFixed(2) : v.toFixed(1));
const rows = metrics
  .filter((m) => ours[m.name])
  .map((m) => {
    const r = COMPARE[m.name];
    const cells = [m.name, m.cost, ...SIZES.map((size) => fmt(ours[m.name][size]))];
    if (!r) return [...cells, ...SIZES.map(() => ''), ''];
    return [
      ...cells,
      ...SIZES.map((size) => fmt(ref[size][r])),
      SIZES.map((size) => (ours[m.name][size] / ref[size][r]).toFixed(2)).join(' / '),
    ];
  });
const squares = SIZES.map((size) => `${size}²`);
process.stdout.write(
  `\nbench:image-metrics — ms per image, median of ${ROUNDS} (one thread for our code, ONNX Runtime, OpenCV); ` +
    'reference = scikit-image (ssim, psnr) / OpenCV (brisque)\n\n' +
    `${table(['metric', 'cost', ...squares, ...squares.map((q) => `ref ${q}`), `ours/ref ${squares.join(' / ')}`], rows)}\n` +
    (skipped.size ? `\nnot measured (not applicable here): ${[...skipped].map(([n, why]) => `${n} (${why})`).join('; ')}\n` : ''),
);
