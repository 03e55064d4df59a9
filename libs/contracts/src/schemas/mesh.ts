import { z } from 'zod';

/** How a 3D asset was read (and its views rendered), recorded with its result. */
export const MeshDecodeInfo = z.object({
  /** the reader and its libraries, e.g. `@assay/mesh-io (gltf-transform 4.5.1, gltf-validator 2.0.0-dev.3.10)` */
  reader: z.string(),
  format: z.enum(['glb', 'gltf', 'obj', 'ply', 'stl']),
  /** the upload was a .zip bundle (the main file and what it references) */
  bundle: z.boolean(),
  bytes: z.number().int(),
  /** metres per source unit (1 for glTF; OBJ, PLY and STL from the `units` attribute or the suite) */
  unitScale: z.number(),
  /** where the unit came from: glTF is metres; otherwise the asset's `units` attribute or the suite's `mesh.units` */
  unitSource: z.enum(['gltf', 'attribute', 'suite']),
  vertices: z.number().int(),
  triangles: z.number().int(),
  /** the turntable views image metrics ran on; absent when the suite has no per-view metric */
  views: z
    .object({
      renderer: z.string(),
      count: z.number().int(),
      size: z.number().int(),
      elevationDeg: z.number(),
      /** the PNG of each view and the contact sheet, stored beside the result */
      uris: z.array(z.string()),
      contactSheetUri: z.string(),
    })
    .optional(),
  limits: z.object({
    maxBytes: z.number().int(),
    maxVertices: z.number().int(),
    maxTriangles: z.number().int(),
    maxTexturePixels: z.number().int(),
    parseTimeoutMs: z.number().int(),
  }),
});
export type MeshDecodeInfo = z.infer<typeof MeshDecodeInfo>;

/** Length units an OBJ, PLY or STL file may be declared in (suite `mesh.units`, asset attribute `units`), in metres. */
export const LENGTH_UNITS = { m: 1, cm: 0.01, mm: 0.001, in: 0.0254, ft: 0.3048 } as const;
export type LengthUnit = keyof typeof LENGTH_UNITS;
export const LengthUnit = z.enum(Object.keys(LENGTH_UNITS) as [LengthUnit, ...LengthUnit[]]);
