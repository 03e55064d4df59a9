import { z } from 'zod';
import { meshUv } from '@assay/mesh-analysis';
import { defineMetric } from '../../metric.js';
import { requireTriangles } from '../triangles.js';

const Params = z
  .object({
    /** side of the square raster coverage and overlap are measured on */
    raster: z.number().int().min(64).max(8192).default(1024),
  })
  .strict();

const share = (key: string, description: string, direction: 'higher' | 'lower' | 'none') => ({
  key,
  description,
  range: [0, 1] as [number, number],
  direction,
});

/**
 * The UV layout (TEXCOORD_0): present, inside the unit square, how much of the texture it uses (coverage), how
 * much of it is used twice (overlap: mirrored or stacked shells look the same as broken ones), and how much it
 * stretches the texture in area and angle.
 */
export default defineMetric({
  name: 'uv_layout',
  version: '1.0.0',
  modality: '3d',
  description: 'UVs: present, out of [0, 1], coverage and overlap of the unit square (rasterised), area and angle stretch.',
  scores: [
    share('present', 'share of triangles with UVs', 'higher'),
    share('out_of_unit', 'share of UV vertices outside [0, 1] (tiling, or a broken layout)', 'none'),
    share('coverage', 'share of the unit square covered by UV triangles (texture space in use)', 'higher'),
    share('overlap', 'share of covered texels covered by two or more UV triangles', 'lower'),
    share('degenerate', 'share of triangles whose UV triangle has zero area', 'lower'),
    {
      key: 'area_stretch_p95',
      description: '95th percentile (by 3D area) of |ln(UV area share ÷ 3D area share)| per triangle; 0 = every triangle its fair share',
      range: [0, null],
      direction: 'lower',
    },
    {
      key: 'angle_stretch_p95',
      description: '95th percentile (by 3D area) of σ1/σ2 of the 3D → UV map per triangle; 1 = angles kept (conformal)',
      range: [1, null],
      direction: 'lower',
    },
  ],
  params: Params,
  needs: {},
  cost: 'cpu',
  compute({ asset }, _ctx, p) {
    requireTriangles(asset);
    const uv = meshUv(asset, { raster: p.raster });
    if (uv.uvPresent === 0) return { scores: { present: 0 }, details: { flags: ['no UVs: textures cannot be mapped'] } };
    return {
      scores: {
        present: uv.uvPresent,
        out_of_unit: uv.outOfUnitSquare,
        coverage: uv.coverage,
        overlap: uv.overlap,
        degenerate: uv.uvDegenerate,
        ...(uv.areaStretch ? { area_stretch_p95: uv.areaStretch.p95 } : {}),
        ...(uv.angleStretch ? { angle_stretch_p95: uv.angleStretch.p95 } : {}),
      },
      details: { raster: p.raster, areaStretch: uv.areaStretch, angleStretch: uv.angleStretch },
    };
  },
});
