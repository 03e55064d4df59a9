import { finiteBox, type MeshAsset } from '@assay/mesh-io';
import { MeshRenderError } from './render-error.js';

export type Vec3 = [number, number, number];

export interface CameraPose {
  azimuthDeg: number;
  elevationDeg: number;
  position: Vec3;
}

export interface Turntable {
  target: Vec3;
  /** vertical field of view, degrees */
  fovDeg: number;
  near: number;
  far: number;
  poses: CameraPose[];
}

const FOV_DEG = 35;
/** share of the view's height (and width: the views are square) the bounding sphere spans */
const FILL = 0.8;

/** Centre of the bounding box and the radius of the sphere around it holding every vertex (non-finite ones skipped). */
export function boundingSphere(asset: MeshAsset): { center: Vec3; radius: number } {
  const box = finiteBox(asset.primitives.map((p) => p.positions));
  if (!box) throw new MeshRenderError('empty_asset', 'the asset has no vertex with finite coordinates to frame');
  const { min, max } = box;
  const center: Vec3 = [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2];
  let r2 = 0;
  for (const { positions } of asset.primitives) {
    for (let i = 0; i + 2 < positions.length; i += 3) {
      const d2 = (positions[i] - center[0]) ** 2 + (positions[i + 1] - center[1]) ** 2 + (positions[i + 2] - center[2]) ** 2;
      if (d2 > r2) r2 = d2; // NaN compares false
    }
  }
  // a single point (or coincident ones) still gets a view
  return { center, radius: r2 > 0 ? Math.sqrt(r2) : 1 };
}

/**
 * Cameras evenly spaced in azimuth around the bounding box's centre (y up, azimuth 0 looking from +z, glTF's
 * front), at one distance so the bounding sphere fills FILL of the view whatever the azimuth.
 */
export function turntable(asset: MeshAsset, views: number, elevationDeg: number): Turntable {
  const { center, radius } = boundingSphere(asset);
  const halfFov = (FOV_DEG * Math.PI) / 360;
  // the sphere's silhouette subtends asin(r / d); make its tangent FILL of the half-view's
  const distance = radius / Math.sin(Math.atan(FILL * Math.tan(halfFov)));
  const el = (elevationDeg * Math.PI) / 180;
  const poses: CameraPose[] = [];
  for (let i = 0; i < views; i++) {
    const azimuthDeg = (360 * i) / views;
    const az = (azimuthDeg * Math.PI) / 180;
    poses.push({
      azimuthDeg,
      elevationDeg,
      position: [
        center[0] + distance * Math.cos(el) * Math.sin(az),
        center[1] + distance * Math.sin(el),
        center[2] + distance * Math.cos(el) * Math.cos(az),
      ],
    });
  }
  return {
    target: center,
    fovDeg: FOV_DEG,
    near: Math.max(distance - radius * 1.05, distance * 1e-3),
    far: distance + radius * 1.05,
    poses,
  };
}
