import { TEXTURE_ROLES, type MeshAsset, type TextureRole } from '@assay/mesh-io';
import { weightedSummary, type WeightedSummary } from './weighted-stats.js';

export interface TextureUse {
  /** index into MeshAsset.textures */
  texture: number;
  width: number;
  height: number;
  /** both sides powers of two (mipmapping and older GPUs want them) */
  powerOfTwo: boolean;
  mimeType: string;
  /** the reader could not read the image (then width and height are 0) */
  problem?: string;
}

export interface MeshTexels {
  /** per role, the distinct textures materials use in that role */
  roles: Record<TextureRole, TextureUse[]>;
  /**
   * texel density in texels per metre, per triangle: √(UV area × texture width × height ÷ 3D area), with each
   * triangle's material's base-colour texture (else its first texture in role order); summarised over the triangles
   * that have one (UVs, a readable texture, non-zero areas), weighted by 3D area. cv = spread ÷ mean: uniformity
   */
  density: WeightedSummary | undefined;
  /** share of the triangle surface (3D area) the density covers */
  densityCoverage: number;
}

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

/**
 * Texels per metre a surface needs to look sharp on a display: a screen `pixels` wide (or high) spanning
 * `fovDegrees` of view shows a plane at `distance` metres with pixels ÷ (2 · distance · tan(fov / 2)) pixels per
 * metre, times `texelsPerPixel` (1: one texel per pixel; 2: Nyquist margin). 1080 px over a 60° vertical view at
 * 1 m: 1080 ÷ (2 · tan 30°) ≈ 935 px/m, so ~935 texels/m at 1 texel per pixel and ~1870 at 2.
 */
export function texelDensityNeeded(target: { pixels: number; fovDegrees: number; distance: number; texelsPerPixel?: number }): number {
  const { pixels, fovDegrees, distance, texelsPerPixel = 1 } = target;
  return (texelsPerPixel * pixels) / (2 * distance * Math.tan((fovDegrees * Math.PI) / 360));
}

export function meshTexels(asset: MeshAsset): MeshTexels {
  const roles = Object.fromEntries(TEXTURE_ROLES.map((r) => [r, [] as TextureUse[]])) as Record<TextureRole, TextureUse[]>;
  for (const material of asset.materials)
    for (const role of TEXTURE_ROLES) {
      const slot = material.textures[role];
      const tex = slot && asset.textures[slot.texture];
      if (!tex || roles[role].some((u) => u.texture === slot.texture)) continue;
      roles[role].push({
        texture: slot.texture,
        width: tex.width,
        height: tex.height,
        powerOfTwo: isPowerOfTwo(tex.width) && isPowerOfTwo(tex.height),
        mimeType: tex.mimeType,
        ...(tex.problem !== undefined && { problem: tex.problem }),
      });
    }

  const pixelsOf = asset.materials.map((m) => {
    const slot = m.textures.baseColor ?? TEXTURE_ROLES.map((r) => m.textures[r]).find((s) => s !== undefined);
    const tex = slot && asset.textures[slot.texture];
    return tex ? tex.width * tex.height : 0;
  });
  const triangles = asset.primitives.reduce((n, p) => n + (p.mode === 'triangles' ? Math.floor(p.indices.length / 3) : 0), 0);
  const values = new Float64Array(triangles);
  const weights = new Float64Array(triangles);
  let n = 0;
  let total = 0;
  for (const prim of asset.primitives) {
    if (prim.mode !== 'triangles') continue;
    const { positions: p, indices, uvs } = prim;
    const pixels = prim.material !== undefined ? (pixelsOf[prim.material] ?? 0) : 0;
    for (let t = 0; t + 2 < indices.length; t += 3) {
      const [a, b, c] = [indices[t], indices[t + 1], indices[t + 2]];
      const ux = p[b * 3] - p[a * 3],
        uy = p[b * 3 + 1] - p[a * 3 + 1],
        uz = p[b * 3 + 2] - p[a * 3 + 2];
      const vx = p[c * 3] - p[a * 3],
        vy = p[c * 3 + 1] - p[a * 3 + 1],
        vz = p[c * 3 + 2] - p[a * 3 + 2];
      const area = Math.hypot(uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx) / 2;
      if (!Number.isFinite(area)) continue;
      total += area;
      if (!uvs || pixels === 0 || area === 0) continue;
      const uvArea =
        Math.abs(
          (uvs[b * 2] - uvs[a * 2]) * (uvs[c * 2 + 1] - uvs[a * 2 + 1]) - (uvs[c * 2] - uvs[a * 2]) * (uvs[b * 2 + 1] - uvs[a * 2 + 1]),
        ) / 2;
      if (!(uvArea > 0)) continue;
      values[n] = Math.sqrt((uvArea * pixels) / area);
      weights[n++] = area;
    }
  }
  let covered = 0;
  for (let i = 0; i < n; i++) covered += weights[i];
  return {
    roles,
    density: weightedSummary(values.subarray(0, n), weights.subarray(0, n)),
    densityCoverage: total > 0 ? covered / total : 0,
  };
}
