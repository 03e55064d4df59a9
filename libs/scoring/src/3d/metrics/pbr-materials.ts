import { ALBEDO_RANGE, meshMaterials } from '@assay/mesh-analysis';
import { defineMetric, MetricNotApplicable } from '../../metric.js';

const count = (key: string, description: string, direction: 'lower' | 'none') => ({
  key,
  description,
  range: [0, null] as [number, null],
  direction,
});

/**
 * Physically based materials: factors in [0, 1], non-metal albedo in a plausible sRGB range (30–240: between
 * charcoal and fresh snow), textured materials without normal maps, and the alpha, double-sided and unlit modes.
 */
export default defineMetric({
  name: 'pbr_materials',
  version: '1.0.0',
  modality: '3d',
  description:
    `PBR plausibility: factors in [0, 1], non-metal albedo within sRGB ${ALBEDO_RANGE[0]}–${ALBEDO_RANGE[1]}, missing normal maps, ` +
    'alpha modes, double-sided and unlit materials.',
  scores: [
    count('materials', 'materials', 'none'),
    count('factors_out_of_range', 'materials whose metallic, roughness or base-colour factors leave [0, 1]', 'lower'),
    {
      key: 'albedo_out_of_range',
      description: `mean over non-metal materials of the share of texels whose albedo (mean of sRGB R, G, B) is outside ${ALBEDO_RANGE[0]}–${ALBEDO_RANGE[1]}`,
      range: [0, 1],
      direction: 'lower',
    },
    count('missing_normal_maps', 'textured materials without a normal map', 'lower'),
    count('blend', 'materials with alphaMode BLEND (sorted transparency: costly, order-dependent)', 'none'),
    count('mask', 'materials with alphaMode MASK (cut-outs)', 'none'),
    count('double_sided', 'double-sided materials', 'none'),
    count('unlit', 'unlit materials (KHR_materials_unlit: no shading)', 'none'),
  ],
  needs: {},
  cost: 'cpu',
  async compute({ asset }) {
    if (!asset.materials.length) throw new MetricNotApplicable('the asset has no materials');
    const m = await meshMaterials(asset);
    return {
      scores: {
        materials: m.materials.length,
        factors_out_of_range: m.factorsOutOfRange,
        ...(m.albedoOutOfRange !== undefined ? { albedo_out_of_range: m.albedoOutOfRange } : {}),
        missing_normal_maps: m.missingNormalMaps,
        blend: m.alphaModes.BLEND,
        mask: m.alphaModes.MASK,
        double_sided: m.doubleSided,
        unlit: m.unlit,
      },
      details: {
        nonMetalsMeasured: m.nonMetalsMeasured,
        materials: m.materials.map((r) => ({
          index: r.index,
          name: r.name,
          metal: r.metal,
          albedoMean: r.albedoMean,
          albedoProblem: r.albedoProblem,
        })),
      },
    };
  },
});
