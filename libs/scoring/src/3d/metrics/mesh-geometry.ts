import { z } from 'zod';
import { meshGeometry, SIZE_RANGES } from '@assay/mesh-analysis';
import { defineMetric } from '../../metric.js';
import { flag, requireTriangles } from '../triangles.js';

const Params = z
  .object({
    /** the product category to judge the scale by; else the asset's `category` attribute */
    category: z.string().min(1).optional(),
    /** extra or replacement categories: the largest bounding-box side in metres, [min, max] */
    sizeRanges: z
      .record(
        z.string(),
        z.tuple([z.number().positive(), z.number().positive()]).refine(([min, max]) => min <= max, 'min must not exceed max'),
      )
      .default({}),
  })
  .strict();

const metres = (key: string, description: string) => ({
  key,
  description,
  range: [0, null] as [number, null],
  direction: 'none' as const,
  unit: 'm',
});
const share = (key: string, description: string, direction: 'lower' | 'none') => ({
  key,
  description,
  range: [0, 1] as [number, number],
  direction,
});

/**
 * Size, area and volume in metres (glTF is metres; OBJ, PLY and STL take the suite's or the asset's `units`),
 * and whether the size is plausible for the asset's category (a mug 3 m tall is not).
 */
export default defineMetric({
  name: 'mesh_geometry',
  version: '1.0.0',
  modality: '3d',
  description:
    'Bounding box in metres, scale plausibility for the category, surface area, signed volume of a watertight mesh, ' +
    'non-finite positions, and vertex normals: present, unit length, agreeing with the winding.',
  scores: [
    metres('size_x_m', 'bounding-box extent along x'),
    metres('size_y_m', 'bounding-box extent along y (up in glTF)'),
    metres('size_z_m', 'bounding-box extent along z'),
    metres('largest_side_m', 'the largest bounding-box side'),
    {
      key: 'scale_plausible',
      description: "1 when the largest side lies in the category's size range; absent without a known category",
      range: [0, 1],
      direction: 'higher',
    },
    { key: 'surface_area_m2', description: 'sum of triangle areas', range: [0, null], direction: 'none', unit: 'm²' },
    {
      key: 'volume_m3',
      description: 'signed enclosed volume of a watertight mesh (negative: faces wound inward); absent when not watertight',
      range: [null, null],
      direction: 'none',
      unit: 'm³',
    },
    { key: 'non_finite_positions', description: 'vertices with a NaN or infinite coordinate', range: [0, null], direction: 'lower' },
    share('normals_present', 'share of vertices that carry a normal', 'none'),
    share('normals_non_unit', 'share of normals whose length is outside 1 ± 1e-3', 'lower'),
    share('normals_flipped', 'share of triangle corners whose normal points away from the face the winding gives', 'lower'),
  ],
  params: Params,
  needs: {},
  cost: 'cpu',
  compute({ asset, attributes }, _ctx, p) {
    requireTriangles(asset);
    const attribute = typeof attributes.category === 'string' ? attributes.category : undefined;
    const category = (p.category ?? attribute)?.toLowerCase();
    const g = meshGeometry(asset, { category, sizeRanges: p.sizeRanges });
    const known = category === undefined || category in SIZE_RANGES || category in p.sizeRanges;
    return {
      scores: {
        size_x_m: g.bboxSize[0],
        size_y_m: g.bboxSize[1],
        size_z_m: g.bboxSize[2],
        largest_side_m: g.largestSide,
        ...(g.scalePlausible !== undefined ? { scale_plausible: flag(g.scalePlausible) } : {}),
        surface_area_m2: g.surfaceArea,
        ...(g.volume !== undefined ? { volume_m3: g.volume } : {}),
        non_finite_positions: g.nonFinitePositions,
        normals_present: g.normalsPresent,
        normals_non_unit: g.normalsNonUnit,
        normals_flipped: g.normalsFlipped,
      },
      details: {
        bboxMin: g.bboxMin,
        bboxMax: g.bboxMax,
        unitScale: asset.unitScale,
        ...(category ? { category, scaleRangeM: g.scaleRange } : {}),
        ...(known ? {} : { flags: [`unknown category ${category}: give its range in the suite's sizeRanges`] }),
      },
    };
  },
});
