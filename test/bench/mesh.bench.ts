/**
 * npm run bench:3d — @assay/mesh-io's readMesh and @assay/mesh-analysis on real geometry at three sizes, against
 * trimesh 5.1 and Open3D 0.16 (Debian's python3, test/bench/mesh_reference.py) on the same files, in one run.
 *
 * Assets: assimp's Wuson (3 732 triangles) and Spider (1 368) from Debian's assimp-testmodels, subdivided at edge
 * midpoints (each triangle into four, shared midpoints, so the surface and its topology stay those of the real
 * mesh): Wuson ×1 = 14 928, Spider ×3 = 87 552, Wuson ×4 = 955 392 triangles, written as binary STL (unwelded,
 * as STL stores them). STL has no UVs: for the UV and texel stages the parsed asset gets planar-projected UVs and a
 * 2048² base-colour texture (its size only).
 *
 * Stages, medians of BENCH_ROUNDS (default 3), ms: parse (readMesh: a worker thread, STL read), topology
 * (meshTopology: weld, edge map, manifoldness, winding, components, Euler, genus, duplicates; exact-position weld
 * as the references, so the numbers printed beside each other agree; the default grid costs the same), geometry
 * (meshGeometry), UV (meshUv, 1024² raster), texels (meshTexels), render (not measured yet), total. The reference
 * columns: trimesh.load (its STL reader and merge) against parse; Trimesh(process=True) + is_watertight,
 * is_winding_consistent, euler_number, body_count against topology; Open3D's read_triangle_mesh and its
 * manifold/orientable/Euler/cluster calls in the note. Peak RSS is this process's (maxRSS), after each asset.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { meshGeometry, meshTexels, meshTopology, meshUv } from '@assay/mesh-analysis';
import { readMesh, type MeshAsset } from '@assay/mesh-io';
import { cases, median, rounds, table } from './stats.js';

const PYTHON = process.env.PARITY_PYTHON ?? '/usr/bin/python3';
const MODELS = '/usr/share/assimp/models/STL';
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

/** Planar projection along z onto the bounding box's x–y extent: small UV triangles (front and back overlap). */
function withUvs(asset: MeshAsset): MeshAsset {
  const primitives = asset.primitives.map((p) => {
    const [min, size] = [
      [Infinity, Infinity],
      [0, 0],
    ];
    const n = p.positions.length / 3;
    for (let v = 0; v < n; v++) for (let k = 0; k < 2; k++) min[k] = Math.min(min[k], p.positions[v * 3 + k]);
    for (let v = 0; v < n; v++) for (let k = 0; k < 2; k++) size[k] = Math.max(size[k], p.positions[v * 3 + k] - min[k]);
    const uvs = new Float32Array(n * 2);
    for (let v = 0; v < n; v++) for (let k = 0; k < 2; k++) uvs[v * 2 + k] = (p.positions[v * 3 + k] - min[k]) / size[k];
    return { ...p, uvs, material: 0 };
  });
  return {
    ...asset,
    primitives,
    materials: [
      {
        baseColorFactor: [1, 1, 1, 1],
        metallicFactor: 0,
        roughnessFactor: 0.5,
        emissiveFactor: [0, 0, 0],
        textures: { baseColor: { texture: 0, texCoord: 0 } },
        alphaMode: 'OPAQUE',
        doubleSided: false,
        unlit: false,
      },
    ],
    textures: [{ mimeType: 'image/png', width: 2048, height: 2048, bytes: new Uint8Array(0) }],
  };
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
  const files: string[] = [];
  for (const { source, levels } of SIZES) {
    let mesh = readStlIndexed(readFileSync(join(MODELS, source)));
    for (let l = 0; l < levels; l++) mesh = subdivide(mesh);
    const file = join(dir, `${source.replace('.stl', '')}-x${levels}-${mesh.faces.length / 3}.stl`);
    writeFileSync(file, binaryStl(mesh));
    files.push(file);
  }
  const ref = JSON.parse(
    execFileSync(PYTHON, ['test/bench/mesh_reference.py', String(ROUNDS), ...files], { encoding: 'utf8', maxBuffer: 64 << 20 }),
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
  for (const file of files) {
    const bytes = new Uint8Array(readFileSync(file));
    const parse = await timedAsync(() => readMesh(bytes, { filename: file }));
    const asset = withUvs(parse.value);
    const topology = await timed(() => meshTopology(asset, { weldTolerance: 0 }));
    const geometry = await timed(() => meshGeometry(asset));
    const uv = await timed(() => meshUv(asset));
    const texels = await timed(() => meshTexels(asset));
    const r = ref.files[file];
    const t = topology.value;
    const name = `${file.split('/').pop()!.replace('.stl', '')} (${(bytes.length / 1e6).toFixed(1)} MB)`;
    const ratio = (ours: number, theirs: number) => (ours / theirs).toFixed(2);
    const total = parse.ms + topology.ms + geometry.ms + uv.ms + texels.ms;
    rows.push(
      [
        `${name} parse`,
        parse.ms.toFixed(0),
        r.trimesh_load.toFixed(0),
        ratio(parse.ms, r.trimesh_load),
        `Open3D read ${r.open3d_load.toFixed(0)} ms`,
      ],
      [
        `${name} topology`,
        topology.ms.toFixed(0),
        r.trimesh_topology.toFixed(0),
        ratio(topology.ms, r.trimesh_topology),
        `Open3D ${r.open3d_topology.toFixed(0)} ms; ours watertight ${t.watertight} χ ${t.eulerCharacteristic} bodies ${t.vertexComponents} ` +
          `boundary ${t.boundaryEdges}; trimesh ${r.trimesh.watertight} χ ${r.trimesh.euler} bodies ${r.trimesh.bodies}; ` +
          `Open3D χ ${r.open3d.euler} boundary ${r.open3d.boundary}`,
      ],
      [`${name} geometry`, geometry.ms.toFixed(0), '', '', `area ${geometry.value.surfaceArea.toFixed(4)} m²`],
      [`${name} UV`, uv.ms.toFixed(0), '', '', `coverage ${uv.value.coverage.toFixed(3)}`],
      [`${name} texels`, texels.ms.toFixed(0), '', '', `median ${texels.value.density?.median.toFixed(0)} texels/m`],
      [`${name} render`, '—', '', '', 'not measured yet'],
      [`${name} total`, total.toFixed(0), '', '', `peak RSS ${mb(process.resourceUsage().maxRSS)} MB`],
    );
  }
  console.log(
    `bench:3d — trimesh ${ref.versions.trimesh}, Open3D ${ref.versions.open3d}; medians of ${ROUNDS} rounds (ms); ratio = ours ÷ trimesh`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(table(['asset stage', 'ours', 'trimesh', 'ratio', 'note'], rows));
console.log(`peak RSS (this process): ${mb(process.resourceUsage().maxRSS)} MB`);
