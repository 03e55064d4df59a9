import { z } from 'zod';
import { ErrorCode } from '@assay/contracts';
import { meshTexels, texelDensityNeeded } from '@assay/mesh-analysis';
import { defineMetric, MetricNotApplicable } from '../../metric.js';
import { flag, requireTriangles } from '../triangles.js';

const Params = z
  .object({
    /** the display the asset is judged for: vertical pixels, vertical field of view, viewing distance in metres */
    target: z
      .object({
        pixels: z.number().int().positive().default(1080),
        fovDegrees: z.number().positive().max(170).default(60),
        distance: z.number().positive().default(1),
        /** texels per screen pixel the surface should have (2 keeps a Nyquist margin) */
        texelsPerPixel: z.number().positive().default(1),
      })
      .strict()
      .default({ pixels: 1080, fovDegrees: 60, distance: 1, texelsPerPixel: 1 }),
  })
  .strict();

const density = (key: string, description: string) => ({
  key,
  description,
  range: [0, null] as [number, null],
  direction: 'higher' as const,
  unit: 'texels/m',
});

/**
 * ★ Texel density: texels per metre of surface, √(UV area × texture pixels ÷ 3D area) per triangle with its
 * material's base-colour texture, summarised over the surface by area. It decides whether a texture is sharp at
 * the viewing distance; its spread (cv) shows surfaces starved of texture next to wasteful ones.
 */
export default defineMetric({
  name: 'texel_density',
  version: '1.0.0',
  modality: '3d',
  description:
    'Texel density (texels per metre) per triangle, by surface area: median, p5, p95, coefficient of variation, and ' +
    'whether p5 reaches the density a target display needs at the viewing distance.',
  scores: [
    density('median', 'area-weighted median texel density'),
    density('p5', 'area-weighted 5th percentile: the blurriest 5 % of the surface'),
    density('p95', 'area-weighted 95th percentile'),
    { key: 'cv', description: 'coefficient of variation across the surface (0 = uniform)', range: [0, null], direction: 'lower' },
    { key: 'coverage', description: 'share of the surface (by area) that has a texture and UVs', range: [0, 1], direction: 'higher' },
    {
      key: 'target',
      description:
        'texels per metre the target display needs at the viewing distance: pixels ÷ (2 · distance · tan(fov / 2)) × texelsPerPixel',
      range: [0, null],
      direction: 'none',
      unit: 'texels/m',
    },
    { key: 'meets_target', description: '1 when p5 ≥ target', range: [0, 1], direction: 'higher' },
  ],
  params: Params,
  needs: {},
  cost: 'cpu',
  compute({ asset }, _ctx, p) {
    requireTriangles(asset);
    const t = meshTexels(asset);
    if (!t.density) {
      const unreadable = asset.textures.filter((x) => x.problem);
      if (unreadable.length && unreadable.length === asset.textures.length)
        throw new MetricNotApplicable(`no texture could be read: ${unreadable[0].problem}`, ErrorCode.TextureUnreadable);
      throw new MetricNotApplicable('no triangle has both UVs and a readable texture');
    }
    const target = texelDensityNeeded(p.target);
    return {
      scores: {
        median: t.density.median,
        p5: t.density.p5,
        p95: t.density.p95,
        cv: t.density.cv,
        coverage: t.densityCoverage,
        target,
        meets_target: flag(t.density.p5 >= target),
      },
      details: { mean: t.density.mean, target: p.target },
    };
  },
});
