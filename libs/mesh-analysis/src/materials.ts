import type { MeshAsset, MeshMaterial } from '@assay/mesh-io';
import sharp from 'sharp';

/** Albedo of non-metals in sRGB 8-bit: darker than charcoal (~30) or brighter than fresh snow (~240) is implausible. */
export const ALBEDO_RANGE: readonly [number, number] = [30, 240];

/** Textures are measured downsampled to at most this side (albedo is a mean over many texels). */
const ALBEDO_SIDE = 256;

export interface MaterialReport {
  index: number;
  name?: string;
  /** metallic and roughness factors within [0, 1] */
  factorsInRange: boolean;
  /** every baseColorFactor channel within [0, 1] */
  baseColorInRange: boolean;
  /** metallicFactor ≥ 0.5 (a metallicRoughness texture is not read: the factor decides) */
  metal: boolean;
  /**
   * non-metals only: albedo per texel = base-colour texel (sRGB) × baseColorFactor (in linear light), back to sRGB
   * 8-bit; the mean of R, G, B is the texel's albedo. Untextured: the factor alone is the one texel.
   * Texels with alpha 0 are skipped
   */
  albedoMean?: number;
  /** non-metals: share of texels whose albedo (mean of R, G, B) is outside ALBEDO_RANGE */
  albedoOutOfRange?: number;
  /** the base-colour texture could not be decoded (its albedo is not measured) */
  albedoProblem?: string;
  /** textured (any role) but without a normal map */
  missingNormalMap: boolean;
}

export interface MeshMaterials {
  materials: MaterialReport[];
  /** materials whose metallic/roughness factors or base-colour factor leave [0, 1] */
  factorsOutOfRange: number;
  /** non-metal materials whose albedo was measured */
  nonMetalsMeasured: number;
  /** mean over those materials of albedoOutOfRange (undefined when none was measured) */
  albedoOutOfRange: number | undefined;
  missingNormalMaps: number;
  alphaModes: Record<MeshMaterial['alphaMode'], number>;
  doubleSided: number;
  unlit: number;
}

const toLinear = (s: number) => (s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4);
const toSrgb = (l: number) => (l <= 0.0031308 ? 12.92 * l : 1.055 * l ** (1 / 2.4) - 0.055);
const inUnit = (x: number) => x >= 0 && x <= 1;

/** Albedo per texel (sRGB 8-bit, mean of channels) of `rgba` texels (sRGB bytes) tinted by a linear factor. */
function albedo(rgba: Uint8Array, factor: MeshMaterial['baseColorFactor']): { mean: number; outside: number } | undefined {
  const lut = Array.from({ length: 3 }, (_, c) =>
    Float64Array.from({ length: 256 }, (_, s) => 255 * toSrgb(Math.min(1, Math.max(0, toLinear(s / 255) * factor[c])))),
  );
  let n = 0;
  let sum = 0;
  let outside = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i + 3] === 0) continue;
    const a = (lut[0][rgba[i]] + lut[1][rgba[i + 1]] + lut[2][rgba[i + 2]]) / 3;
    n++;
    sum += a;
    if (a < ALBEDO_RANGE[0] || a > ALBEDO_RANGE[1]) outside++;
  }
  return n ? { mean: sum / n, outside: outside / n } : undefined;
}

async function report(asset: MeshAsset, m: MeshMaterial, index: number): Promise<MaterialReport> {
  const metal = m.metallicFactor >= 0.5;
  const textured = Object.keys(m.textures).length > 0;
  const out: MaterialReport = {
    index,
    ...(m.name !== undefined && { name: m.name }),
    factorsInRange: inUnit(m.metallicFactor) && inUnit(m.roughnessFactor),
    baseColorInRange: m.baseColorFactor.every(inUnit),
    metal,
    missingNormalMap: textured && !m.textures.normal,
  };
  if (metal) return out;
  const slot = m.textures.baseColor;
  const tex = slot && asset.textures[slot.texture];
  let texels: Uint8Array = Uint8Array.from([255, 255, 255, 255]);
  if (tex) {
    try {
      texels = await sharp(tex.bytes)
        .resize(ALBEDO_SIDE, ALBEDO_SIDE, { fit: 'inside', withoutEnlargement: true })
        .ensureAlpha()
        .raw()
        .toBuffer()
        .then((b) => new Uint8Array(b.buffer, b.byteOffset, b.length));
    } catch (err) {
      return { ...out, albedoProblem: tex.problem ?? (err as Error).message };
    }
  }
  const a = albedo(texels, m.baseColorFactor);
  return a ? { ...out, albedoMean: a.mean, albedoOutOfRange: a.outside } : out;
}

/** PBR plausibility of the asset's materials; decodes base-colour textures (sharp) to measure albedo. */
export async function meshMaterials(asset: MeshAsset): Promise<MeshMaterials> {
  const materials = await Promise.all(asset.materials.map((m, i) => report(asset, m, i)));
  const measured = materials.filter((m) => m.albedoOutOfRange !== undefined);
  const alphaModes = { OPAQUE: 0, MASK: 0, BLEND: 0 };
  for (const m of asset.materials) alphaModes[m.alphaMode]++;
  return {
    materials,
    factorsOutOfRange: materials.filter((m) => !m.factorsInRange || !m.baseColorInRange).length,
    nonMetalsMeasured: measured.length,
    albedoOutOfRange: measured.length ? measured.reduce((s, m) => s + m.albedoOutOfRange!, 0) / measured.length : undefined,
    missingNormalMaps: materials.filter((m) => m.missingNormalMap).length,
    alphaModes,
    doubleSided: asset.materials.filter((m) => m.doubleSided).length,
    unlit: asset.materials.filter((m) => m.unlit).length,
  };
}
