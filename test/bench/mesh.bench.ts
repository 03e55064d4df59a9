/**
 * npm run bench:3d — @assay/mesh-io's readMesh and @assay/mesh-analysis on real geometry at three sizes, against
 * trimesh 5.1 and Open3D 0.16 (Debian's python3, test/bench/mesh_reference.py) on the same files, in one run.
 *
 * Assets: assimp's Wuson (3 732 triangles) and Spider (1 368) from Debian's assimp-testmodels, subdivided at edge
 * midpoints (each triangle into four, shared midpoints, so the surface and its topology stay those of the real
 * mesh): Wuson ×4¹ = 14 928, Spider ×4³ = 87 552, Wuson ×4⁴ = 955 392 triangles. Each is written as GLB (indexed,
 * planar UVs, a 1024² PNG base colour) and as binary STL (unwelded, as STL stores it).
 *
 * Stages, medians of BENCH_ROUNDS (default 3), ms, on the GLB: parse (readMesh: a fresh worker thread, the glTF
 * reader and validator), topology (meshTopology with the references' exact-position weld, so the numbers printed
 * side by side agree; the default grid costs the same), geometry, UV (1024² raster), texels, materials (decodes
 * the PNG), total (rendering is timed by mesh-render's tests, not here); then the STL's parse and topology (3 vertices
 * per triangle to weld). The trimesh column: trimesh.load (force='mesh', its own merge) against parse;
 * Trimesh(process=True) + is_watertight, is_winding_consistent, euler_number, body_count on the same vertices and
 * faces against topology. Open3D's read and topology calls are in the note. Peak RSS: this process's maxRSS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { meshGeometry, meshMaterials, meshTexels, meshTopology, meshUv, type MeshTopology } from '@assay/mesh-analysis';
import { readMesh } from '@assay/mesh-io';
import { MODELS } from '../helpers/meshes.js';
import { cases, median, rounds, table } from './stats.js';

const PYTHON = process.env.PARITY_PYTHON ?? '/usr/bin/python3';
const ROUNDS = rounds(3);
const SIZES = cases([
  { source: 'Wuson.stl', levels: 1 },
  { source: 'Spider_binary.stl', levels: 3 },
  { source: 'Wuson.stl', levels: 4 },
]);

interface Indexed {
  positions: number[];
  faces: Uint32Array;
}

/** Binary STL → shared vertices (exactly equal positions) and faces. */
function readStlIndexed(bytes: Buffer): Indexed {
  const count = bytes.readUInt32LE(80);
  const ids = new Map<string, number>();
  const positions: number[] = [];
  const faces = new Uint32Array(count * 3);
  for (let t = 0; t < count; t++)
    for (let c = 0; c < 3; c++) {
      const at = 84 + t * 50 + 12 + c * 12;
      const xyz = [bytes.readFloatLE(at), bytes.readFloatLE(at + 4), bytes.readFloatLE(at + 8)];
      const key = xyz.join(',');
      let id = ids.get(key);
      if (id === undefined) {
        id = positions.length / 3;
        ids.set(key, id);
        positions.push(...xyz);
      }
      faces[t * 3 + c] = id;
    }
  return { positions, faces };
}

/** One level of midpoint subdivision: each triangle into four, one new vertex per edge. */
function subdivide({ positions, faces }: Indexed): Indexed {
  const out = [...positions];
  const mid = new Map<number, number>();
  const V = positions.length / 3;
  const midpoint = (a: number, b: number) => {
    const key = Math.min(a, b) * V + Math.max(a, b);
    let id = mid.get(key);
    if (id === undefined) {
      id = out.length / 3;
      mid.set(key, id);
      for (let k = 0; k < 3; k++) out.push((positions[a * 3 + k] + positions[b * 3 + k]) / 2);
    }
    return id;
  };
  const next = new Uint32Array(faces.length * 4);
  for (let f = 0; f < faces.length / 3; f++) {
    const [a, b, c] = [faces[f * 3], faces[f * 3 + 1], faces[f * 3 + 2]];
    const [ab, bc, ca] = [midpoint(a, b), midpoint(b, c), midpoint(c, a)];
    next.set([a, ab, ca, ab, b, bc, ca, bc, c, ab, bc, ca], f * 12);
  }
  return { positions: out, faces: next };
}

function binaryStl({ positions, faces }: Indexed): Uint8Array {
  const count = faces.length / 3;
  const out = Buffer.alloc(84 + count * 50);
  out.write('assay bench:3d', 0);
  out.writeUInt32LE(count, 80);
  for (let t = 0; t < count; t++)
    for (let c = 0; c < 3; c++)
      for (let k = 0; k < 3; k++) out.writeFloatLE(positions[faces[t * 3 + c] * 3 + k], 84 + t * 50 + 12 + c * 12 + k * 4);
  return out;
}

/**
 * The same indexed mesh as GLB: positions, planar UVs (x–y over the bounding box; front and back share them),
 * 32-bit indices, one material whose base colour is `png`. What the glTF reader, UV and texel stages read.
 */
function glb({ positions, faces }: Indexed, png: Uint8Array): Uint8Array {
  const n = positions.length / 3;
  const xyz = Float32Array.from(positions);
  const [min, max] = [
    [Infinity, Infinity, Infinity],
    [-Infinity, -Infinity, -Infinity],
  ];
  for (let i = 0; i < xyz.length; i++) {
    min[i % 3] = Math.min(min[i % 3], xyz[i]);
    max[i % 3] = Math.max(max[i % 3], xyz[i]);
  }
  const uv = new Float32Array(n * 2);
  for (let v = 0; v < n; v++) for (let k = 0; k < 2; k++) uv[v * 2 + k] = (xyz[v * 3 + k] - min[k]) / (max[k] - min[k]);
  const parts = [xyz, uv, faces, png].map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  const offsets: number[] = [];
  let length = 0;
  for (const part of parts) {
    offsets.push(length);
    length += (part.length + 3) & ~3;
  }
  const gltf = {
    asset: { version: '2.0', generator: 'assay bench:3d' },
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [{ mesh: 0 }],
    meshes: [{ primitives: [{ attributes: { POSITION: 0, TEXCOORD_0: 1 }, indices: 2, material: 0 }] }],
    materials: [{ pbrMetallicRoughness: { baseColorTexture: { index: 0 }, metallicFactor: 0 } }],
    textures: [{ source: 0 }],
    images: [{ bufferView: 3, mimeType: 'image/png' }],
    buffers: [{ byteLength: length }],
    bufferViews: parts.map((part, i) => ({
      buffer: 0,
      byteOffset: offsets[i],
      byteLength: part.length,
      ...(i < 2 && { target: 34962 }),
      ...(i === 2 && { target: 34963 }),
    })),
    accessors: [
      { bufferView: 0, componentType: 5126, count: n, type: 'VEC3', min, max },
      { bufferView: 1, componentType: 5126, count: n, type: 'VEC2' },
      { bufferView: 2, componentType: 5125, count: faces.length, type: 'SCALAR' },
    ],
  };
  const json = Buffer.from(JSON.stringify(gltf));
  const jsonLength = (json.length + 3) & ~3;
  const out = Buffer.alloc(12 + 8 + jsonLength + 8 + length, 0);
  out.writeUInt32LE(0x46546c67, 0);
  out.writeUInt32LE(2, 4);
  out.writeUInt32LE(out.length, 8);
  out.writeUInt32LE(jsonLength, 12);
  out.writeUInt32LE(0x4e4f534a, 16);
  json.copy(out, 20);
  out.fill(0x20, 20 + json.length, 20 + jsonLength);
  const bin = 20 + jsonLength;
  out.writeUInt32LE(length, bin);
  out.writeUInt32LE(0x004e4942, bin + 4);
  parts.forEach((part, i) => out.set(part, bin + 8 + offsets[i]));
  return out;
}

async function timedAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const times: number[] = [];
  let value!: T;
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    value = await fn();
    times.push(performance.now() - t);
  }
  return { ms: median(times), value };
}

const timed = <T>(fn: () => T) => timedAsync(async () => fn());
const mb = (kb: number) => (kb / 1024).toFixed(0);

const dir = mkdtempSync(join(tmpdir(), 'assay-bench-3d-'));
const rows: (string | number)[][] = [];
try {
  const png = new Uint8Array(
    await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#8a7a66' } })
      .png()
      .toBuffer(),
  );
  const assets: { name: string; stl: string; glb: string }[] = [];
  for (const { source, levels } of SIZES) {
    let mesh = readStlIndexed(readFileSync(join(MODELS, 'STL', source)));
    for (let l = 0; l < levels; l++) mesh = subdivide(mesh);
    const name = `${source.replace('_binary', '').replace('.stl', '')} ×4^${levels} = ${mesh.faces.length / 3} triangles`;
    const base = join(dir, `${source.replace('.stl', '')}-${levels}`);
    writeFileSync(`${base}.stl`, binaryStl(mesh));
    writeFileSync(`${base}.glb`, glb(mesh, png));
    assets.push({ name, stl: `${base}.stl`, glb: `${base}.glb` });
  }
  const ref = JSON.parse(
    execFileSync(PYTHON, ['test/bench/mesh_reference.py', String(ROUNDS), ...assets.flatMap((a) => [a.glb, a.stl])], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    }),
  ) as {
    versions: Record<string, string>;
    files: Record<
      string,
      Record<'trimesh_load' | 'trimesh_topology' | 'open3d_load' | 'open3d_topology', number> & {
        trimesh: { watertight: boolean; winding_consistent: boolean; euler: number; bodies: number };
        open3d: { boundary: number; non_manifold: number; euler: number; clusters: number };
      }
    >;
  };
  const ratio = (ours: number, theirs: number) => (ours / theirs).toFixed(2);
  const ms = (x: number) => x.toFixed(0);
  for (const { name, stl, glb: glbFile } of assets) {
    const parse = await timedAsync(() => readMesh(new Uint8Array(readFileSync(glbFile)), { filename: glbFile }));
    const asset = parse.value;
    const topology = await timed(() => meshTopology(asset, { weldTolerance: 0 }));
    const geometry = await timed(() => meshGeometry(asset));
    const uv = await timed(() => meshUv(asset));
    const texels = await timed(() => meshTexels(asset));
    const materials = await timedAsync(() => meshMaterials(asset));
    const parseStl = await timedAsync(() => readMesh(new Uint8Array(readFileSync(stl)), { filename: stl }));
    const soupTopology = await timed(() => meshTopology(parseStl.value, { weldTolerance: 0 }));
    const [g, s] = [ref.files[glbFile], ref.files[stl]];
    const compare = (t: MeshTopology, r: typeof g) =>
      `Open3D ${ms(r.open3d_topology)} ms; watertight/χ/bodies/boundary: ours ${t.watertight}/${t.eulerCharacteristic}/${t.vertexComponents}/` +
      `${t.boundaryEdges}, trimesh ${r.trimesh.watertight}/${r.trimesh.euler}/${r.trimesh.bodies}, Open3D χ ${r.open3d.euler} boundary ${r.open3d.boundary}`;
    const total = parse.ms + topology.ms + geometry.ms + uv.ms + texels.ms + materials.ms;
    rows.push(
      [`${name}: parse GLB`, ms(parse.ms), ms(g.trimesh_load), ratio(parse.ms, g.trimesh_load), `Open3D read ${ms(g.open3d_load)} ms`],
      [`  topology`, ms(topology.ms), ms(g.trimesh_topology), ratio(topology.ms, g.trimesh_topology), compare(topology.value, g)],
      [`  geometry`, ms(geometry.ms), '', '', `area ${geometry.value.surfaceArea.toFixed(4)} m²`],
      [`  UV (1024² raster)`, ms(uv.ms), '', '', `coverage ${uv.value.coverage.toFixed(3)}, overlap ${uv.value.overlap.toFixed(3)}`],
      [`  texels`, ms(texels.ms), '', '', `median ${texels.value.density?.median.toFixed(0)} texels/m`],
      [`  materials (1024² PNG)`, ms(materials.ms), '', '', `albedo ${materials.value.materials[0]?.albedoMean?.toFixed(0)}`],
      [`  total (GLB)`, ms(total), '', '', `peak RSS ${mb(process.resourceUsage().maxRSS)} MB`],
      [
        `  parse STL (unwelded)`,
        ms(parseStl.ms),
        ms(s.trimesh_load),
        ratio(parseStl.ms, s.trimesh_load),
        `Open3D read ${ms(s.open3d_load)} ms`,
      ],
      [
        `  topology (STL)`,
        ms(soupTopology.ms),
        ms(s.trimesh_topology),
        ratio(soupTopology.ms, s.trimesh_topology),
        compare(soupTopology.value, s),
      ],
    );
  }
  console.log(
    `bench:3d — trimesh ${ref.versions.trimesh}, Open3D ${ref.versions.open3d}; medians of ${ROUNDS} rounds (ms); ratio = ours ÷ trimesh`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(table(['asset / stage', 'ours', 'trimesh', 'ratio', 'note'], rows));
console.log(`peak RSS (this process): ${mb(process.resourceUsage().maxRSS)} MB`);
