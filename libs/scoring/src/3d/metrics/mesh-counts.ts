import { meshCounts } from '@assay/mesh-analysis';
import { defineMetric } from '../../metric.js';

const count = (key: string, description: string) => ({ key, description, range: [0, null] as [number, null], direction: 'none' as const });

/** What the asset is made of; budgets (triangles, draw calls) are thresholds on these. */
export default defineMetric({
  name: 'mesh_counts',
  version: '1.0.0',
  modality: '3d',
  description: 'Vertices, triangles, primitives, meshes, materials, textures and draw calls; line and point primitives counted apart.',
  scores: [
    count('vertices', 'vertices of every primitive as stored (before welding)'),
    count('triangles', 'triangles (strips and fans expanded; polygons fan-triangulated)'),
    count('primitives', 'primitives of every mode'),
    count('meshes', 'meshes in the source (OBJ objects or groups; 1 for PLY and STL)'),
    count('materials', 'materials'),
    count('textures', 'textures (images)'),
    count('draw_calls', 'primitive instances the scene draws (a mesh used by two nodes is drawn twice)'),
    count('line_primitives', 'primitives drawn as lines (not a surface)'),
    count('point_primitives', 'primitives drawn as points (not a surface)'),
  ],
  needs: {},
  cost: 'cpu',
  compute({ asset }) {
    const c = meshCounts(asset);
    return {
      scores: {
        vertices: c.vertices,
        triangles: c.triangles,
        primitives: c.primitives,
        meshes: c.meshes,
        materials: c.materials,
        textures: c.textures,
        draw_calls: c.drawCalls,
        line_primitives: c.linePrimitives,
        point_primitives: c.pointPrimitives,
      },
    };
  },
});
