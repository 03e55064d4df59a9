import { meshTexels } from '@assay/mesh-analysis';
import { TEXTURE_ROLES, type TextureRole } from '@assay/mesh-io';
import { defineMetric } from '../../metric.js';

/** Score keys of the texture roles (glTF's names in snake case). */
const ROLE_KEYS: Readonly<Record<TextureRole, string>> = {
  baseColor: 'base_color',
  normal: 'normal',
  metallicRoughness: 'metallic_roughness',
  occlusion: 'occlusion',
  emissive: 'emissive',
};

/**
 * Texture resolution by role (the largest side of the largest texture used in that role), power-of-two sides
 * and the texture budget (total pixels). A role no material uses has no score.
 */
export default defineMetric({
  name: 'texture_resolution',
  version: '1.0.0',
  modality: '3d',
  description: 'Texture sizes by role (base colour, normal, metallic-roughness, occlusion, emissive), power-of-two sides, total pixels.',
  scores: [
    { key: 'count', description: 'textures materials use', range: [0, null], direction: 'none' },
    ...TEXTURE_ROLES.map((role) => ({
      key: `${ROLE_KEYS[role]}_side`,
      description: `the larger side of the largest ${ROLE_KEYS[role].replace('_', ' ')} texture`,
      range: [1, null] as [number, null],
      direction: 'none' as const,
      unit: 'px',
    })),
    {
      key: 'total_pixels',
      description: 'width × height summed over the textures used (the texture budget)',
      range: [0, null],
      direction: 'none',
      unit: 'px',
    },
    {
      key: 'power_of_two',
      description: 'share of the textures used whose sides are both powers of two',
      range: [0, 1],
      direction: 'higher',
    },
    { key: 'unreadable', description: 'textures whose image could not be read', range: [0, null], direction: 'lower' },
  ],
  needs: {},
  cost: 'cpu',
  compute({ asset }) {
    const { roles } = meshTexels(asset);
    const used = new Map(TEXTURE_ROLES.flatMap((role) => roles[role].map((t) => [t.texture, t] as const)));
    const scores: Record<string, number> = { count: used.size };
    for (const role of TEXTURE_ROLES) {
      const sides = roles[role].filter((t) => !t.problem).map((t) => Math.max(t.width, t.height));
      if (sides.length) scores[`${ROLE_KEYS[role]}_side`] = Math.max(...sides);
    }
    const readable = [...used.values()].filter((t) => !t.problem);
    scores.total_pixels = readable.reduce((sum, t) => sum + t.width * t.height, 0);
    if (readable.length) scores.power_of_two = readable.filter((t) => t.powerOfTwo).length / readable.length;
    scores.unreadable = used.size - readable.length;
    return {
      scores,
      details: {
        textures: [...used.values()].map((t) => ({
          texture: t.texture,
          width: t.width,
          height: t.height,
          mimeType: t.mimeType,
          problem: t.problem,
        })),
      },
    };
  },
});
