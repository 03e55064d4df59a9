import { z } from 'zod';
import { defineMetric } from '../../metric.js';

const hex = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #ffffff');
const ratio = z.string().regex(/^\d+(\.\d+)?:\d+(\.\d+)?$/, 'a ratio like 4:3');

const Params = z
  .object({
    /** the background a product shot should have */
    background: hex.default('#ffffff'),
    /** width of the border band checked for the background, as a fraction of the shorter side */
    border: z.number().gt(0).max(0.5).default(0.05),
    /** largest per-channel difference (0–255) that still counts as background */
    tolerance: z.number().min(0).max(255).default(12),
    /** a row or column belongs to the subject when at least this share of it is not background */
    subjectLineShare: z.number().min(0).max(1).default(0.002),
    minWidth: z.number().int().min(0).default(0),
    minHeight: z.number().int().min(0).default(0),
    /** allowed width:height ratios; empty allows any */
    aspectRatios: z.array(ratio).default([]),
    /** relative tolerance on the aspect ratio */
    aspectTolerance: z.number().min(0).max(1).default(0.01),
  })
  .strict();

export default defineMetric({
  name: 'product_photo',
  version: '1.0.0',
  modality: 'image',
  description:
    'Product-shot checks: background uniformity on the border band against a configured colour, subject fill ratio ' +
    '(bounding box of non-background rows and columns over the image area), minimum resolution and allowed aspect ratios.',
  scores: [
    {
      key: 'background_uniformity',
      description: 'share of border-band pixels within `tolerance` of the background colour',
      range: [0, 1],
      direction: 'higher',
    },
    {
      key: 'background_distance',
      description: 'mean largest per-channel distance of border-band pixels from the background colour',
      range: [0, 255],
      direction: 'lower',
    },
    {
      key: 'subject_fill_ratio',
      description: 'subject bounding-box area / image area (0 when no subject)',
      range: [0, 1],
      direction: 'none',
    },
    { key: 'resolution_ok', description: '1 when width ≥ minWidth and height ≥ minHeight', range: [0, 1], direction: 'higher' },
    {
      key: 'aspect_ok',
      description: '1 when the aspect ratio is one of aspectRatios (within aspectTolerance), or none is set',
      range: [0, 1],
      direction: 'higher',
    },
  ],
  params: Params,
  needs: {},
  cost: 'cpu',
  compute({ image }, _ctx, p) {
    const { width, height, rgb } = image;
    const bg = [1, 3, 5].map((i) => Number.parseInt(p.background.slice(i, i + 2), 16));
    const band = Math.max(1, Math.round(Math.min(width, height) * p.border));
    const rowCount = new Uint32Array(height);
    const colCount = new Uint32Array(width);
    let bandPixels = 0;
    let bandUniform = 0;
    let bandDistance = 0;
    for (let r = 0; r < height; r++) {
      const inBandRow = r < band || r >= height - band;
      for (let c = 0; c < width; c++) {
        const j = (r * width + c) * 3;
        const d = Math.max(Math.abs(rgb[j] - bg[0]), Math.abs(rgb[j + 1] - bg[1]), Math.abs(rgb[j + 2] - bg[2]));
        const background = d <= p.tolerance;
        if (!background) {
          rowCount[r]++;
          colCount[c]++;
        }
        if (inBandRow || c < band || c >= width - band) {
          bandPixels++;
          bandDistance += d;
          if (background) bandUniform++;
        }
      }
    }
    const span = (counts: Uint32Array, line: number) => {
      const need = Math.max(1, p.subjectLineShare * line);
      let first = -1;
      let last = -1;
      counts.forEach((n, i) => {
        if (n >= need) {
          if (first < 0) first = i;
          last = i;
        }
      });
      return first < 0 ? 0 : last - first + 1;
    };
    const aspect = width / height;
    const aspectOk =
      p.aspectRatios.length === 0 ||
      p.aspectRatios.some((s) => {
        const [w, h] = s.split(':').map(Number);
        return Math.abs(aspect / (w / h) - 1) <= p.aspectTolerance;
      });
    return {
      scores: {
        background_uniformity: bandUniform / bandPixels,
        background_distance: bandDistance / bandPixels,
        subject_fill_ratio: (span(rowCount, width) * span(colCount, height)) / (width * height),
        resolution_ok: width >= p.minWidth && height >= p.minHeight ? 1 : 0,
        aspect_ok: aspectOk ? 1 : 0,
      },
      details: { band, background: p.background },
    };
  },
});
