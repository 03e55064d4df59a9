import type { MeshAsset } from '@assay/mesh-io';
import { MetricNotApplicable } from '../metric.js';

/** Surface metrics need triangles: a point cloud or a line drawing has no surface to measure. */
export function requireTriangles(asset: MeshAsset): void {
  if (!asset.primitives.some((p) => p.mode === 'triangles' && p.indices.length >= 3))
    throw new MetricNotApplicable('the asset has no triangles (only lines or points): no surface to measure');
}

/** 1 for true, 0 for false: booleans as scores a threshold can hold (`{ min: 1 }`). */
export const flag = (value: boolean) => (value ? 1 : 0);
