import { readImageHeader } from './image-header.js';
import { checkLimit, unreadable } from './limits.js';
import type { ReadContext } from './read-context.js';

/** The glTF JSON and the bytes its buffers and images name (the GLB's BIN chunk under gltf-transform's `@glb.bin`). */
export interface GltfContainer {
  json: GltfJson;
  resources: Record<string, Uint8Array>;
}

/** The parts of the glTF schema read before gltf-transform: what sizes the asset and what it references. */
export interface GltfJson {
  accessors?: { count?: unknown }[];
  meshes?: { primitives?: { attributes?: Record<string, unknown>; indices?: unknown; mode?: unknown }[] }[];
  nodes?: { mesh?: unknown }[];
  buffers?: { uri?: unknown }[];
  bufferViews?: { buffer?: unknown; byteOffset?: unknown; byteLength?: unknown }[];
  images?: { uri?: unknown; bufferView?: unknown; name?: unknown }[];
}

const GLB_JSON = 0x4e4f534a;
const GLB_BIN = 0x004e4942;

/** GLB header and chunks, checked against the file's length so a truncated GLB is unreadable, not a crash. */
function splitGlb(bytes: Uint8Array): { jsonText: string; bin?: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 20) throw unreadable('GLB shorter than its 20-byte header');
  const version = view.getUint32(4, true);
  if (version !== 2) throw unreadable(`GLB version ${version}: only glTF 2.0 is read`);
  const declared = view.getUint32(8, true);
  if (declared > bytes.length) throw unreadable(`GLB truncated: its header declares ${declared} bytes, the file holds ${bytes.length}`);
  const jsonLength = view.getUint32(12, true);
  if (view.getUint32(16, true) !== GLB_JSON || 20 + jsonLength > declared) throw unreadable('GLB without a complete JSON chunk first');
  const jsonText = new TextDecoder().decode(bytes.subarray(20, 20 + jsonLength));
  const binAt = 20 + jsonLength;
  if (binAt + 8 > declared || view.getUint32(binAt + 4, true) !== GLB_BIN) return { jsonText };
  const binLength = view.getUint32(binAt, true);
  if (binAt + 8 + binLength > declared)
    throw unreadable(`GLB truncated: its BIN chunk declares ${binLength} bytes past the end of the file`);
  return { jsonText, bin: bytes.subarray(binAt + 8, binAt + 8 + binLength) };
}

function parseJson(text: string): GltfJson {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw unreadable(`glTF JSON does not parse: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw unreadable('glTF JSON is not an object');
  return json;
}

/** The JSON is not validated yet: a property that should be an array may be anything */
const list = <T>(value: T[] | undefined): T[] => (Array.isArray(value) ? value : []);

const count = (json: GltfJson, accessor: unknown): number => {
  const value = typeof accessor === 'number' ? json.accessors?.[accessor]?.count : undefined;
  return typeof value === 'number' && value > 0 ? value : 0;
};

/**
 * Vertices and triangles the asset will expand to, from accessor counts (each mesh counted once per node that
 * instances it), checked before anything heavy is read.
 */
function checkCounts(json: GltfJson, ctx: ReadContext): void {
  const instances = new Map<unknown, number>();
  for (const node of list(json.nodes)) if (node?.mesh !== undefined) instances.set(node.mesh, (instances.get(node.mesh) ?? 0) + 1);
  let vertices = 0;
  let triangles = 0;
  list(json.meshes).forEach((mesh, m) => {
    const times = Math.max(1, instances.get(m) ?? 0);
    for (const primitive of list(mesh?.primitives)) {
      const positions = count(json, primitive?.attributes?.POSITION);
      const elements = primitive?.indices === undefined ? positions : count(json, primitive.indices);
      const mode = primitive?.mode ?? 4;
      vertices += positions * times;
      if (mode === 4) triangles += Math.floor(elements / 3) * times;
      else if (mode === 5 || mode === 6) triangles += Math.max(0, elements - 2) * times;
    }
  });
  checkLimit('glTF vertices (POSITION accessor counts)', vertices, ctx.limits.maxVertices);
  checkLimit('glTF triangles (from accessor counts)', triangles, ctx.limits.maxTriangles);
}

/**
 * The JSON and every resource it names, each URI resolved inside the asset (data URIs decoded, relative paths
 * in the bundle) or refused (external_resource_refused) before the validator or the reader could ask for it.
 */
export function openGltf(bytes: Uint8Array, format: 'glb' | 'gltf', ctx: ReadContext): GltfContainer {
  const { jsonText, bin } = format === 'glb' ? splitGlb(bytes) : { jsonText: new TextDecoder().decode(bytes), bin: undefined };
  const json = parseJson(jsonText);
  checkCounts(json, ctx);
  const resources: Record<string, Uint8Array> = bin ? { '@glb.bin': bin } : {};
  for (const holder of [...list(json.buffers), ...list(json.images)]) {
    const uri = holder?.uri;
    if (typeof uri === 'string' && !(uri in resources)) resources[uri] = ctx.resources.resolve(uri, ctx.base).bytes;
  }
  checkTexturePixels(json, resources, ctx);
  return { json, resources };
}

/** An image's encoded bytes, from its URI or its buffer view; undefined when the JSON does not lead to them. */
function imageBytes(
  json: GltfJson,
  image: NonNullable<GltfJson['images']>[number],
  resources: Record<string, Uint8Array>,
): Uint8Array | undefined {
  if (typeof image?.uri === 'string') return resources[image.uri];
  const view = typeof image?.bufferView === 'number' ? json.bufferViews?.[image.bufferView] : undefined;
  const buffer = typeof view?.buffer === 'number' ? json.buffers?.[view.buffer] : undefined;
  if (!view || !buffer) return undefined;
  const data = typeof buffer.uri === 'string' ? resources[buffer.uri] : resources['@glb.bin'];
  const offset = typeof view.byteOffset === 'number' ? view.byteOffset : 0;
  return typeof view.byteLength === 'number' ? data?.subarray(offset, offset + view.byteLength) : undefined;
}

/** Texture sizes from the image headers, refused before the images are handed to the reader. */
function checkTexturePixels(json: GltfJson, resources: Record<string, Uint8Array>, ctx: ReadContext): void {
  list(json.images).forEach((image, i) => {
    const bytes = imageBytes(json, image, resources);
    const header = bytes && readImageHeader(bytes);
    const name =
      typeof image?.name === 'string' ? image.name : typeof image?.uri === 'string' && !image.uri.startsWith('data:') ? image.uri : `#${i}`;
    if (header)
      checkLimit(`texture "${name}" pixels (${header.width}×${header.height})`, header.width * header.height, ctx.limits.maxTexturePixels);
  });
}
