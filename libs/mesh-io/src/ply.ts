import { checkLimit, unreadable } from './limits.js';
import type { MeshAsset, MeshPrimitive } from './mesh-asset.js';
import { latin1, scaled, sequence, type ReadContext } from './read-context.js';

type Scalar = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

const SCALARS: Record<string, Scalar> = {
  char: 'int8',
  int8: 'int8',
  uchar: 'uint8',
  uint8: 'uint8',
  short: 'int16',
  int16: 'int16',
  ushort: 'uint16',
  uint16: 'uint16',
  int: 'int32',
  int32: 'int32',
  uint: 'uint32',
  uint32: 'uint32',
  float: 'float32',
  float32: 'float32',
  double: 'float64',
  float64: 'float64',
};

const SIZE: Record<Scalar, number> = { int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8 };
/** integer colour channels are normalised by their type's maximum */
const MAX: Partial<Record<Scalar, number>> = { uint8: 255, uint16: 65535, int8: 127, int16: 32767, uint32: 4294967295, int32: 2147483647 };

interface Property {
  name: string;
  type: Scalar;
  /** set for `property list <countType> <type> name` */
  countType?: Scalar;
}

interface Element {
  name: string;
  count: number;
  properties: Property[];
}

interface Header {
  encoding: 'ascii' | 'binary_little_endian' | 'binary_big_endian';
  elements: Element[];
  /** where the body starts */
  bodyOffset: number;
}

function parseHeader(bytes: Uint8Array): Header {
  const head = latin1(bytes.subarray(0, 64 * 1024));
  const end = /end_header[ \t]*\r?\n/.exec(head);
  if (!end) throw unreadable('PLY header without "end_header" in its first 64 KiB');
  let encoding: Header['encoding'] | undefined;
  const elements: Element[] = [];
  for (const line of head.slice(0, end.index).split(/\r?\n/)) {
    const words = line.trim().split(/\s+/);
    if (words[0] === 'format') {
      if (words[1] !== 'ascii' && words[1] !== 'binary_little_endian' && words[1] !== 'binary_big_endian')
        throw unreadable(`PLY format "${words[1]}" is not ascii, binary_little_endian or binary_big_endian`);
      encoding = words[1];
    } else if (words[0] === 'element') {
      const count = Number(words[2]);
      if (!Number.isSafeInteger(count) || count < 0)
        throw unreadable(`PLY element "${words[1]}" has a count that is not a number: ${words[2]}`);
      elements.push({ name: words[1], count, properties: [] });
    } else if (words[0] === 'property') {
      const element = elements.at(-1);
      if (!element) throw unreadable(`PLY property before any element: "${line.trim()}"`);
      const list = words[1] === 'list';
      const type = SCALARS[list ? words[3] : words[1]];
      const countType = list ? SCALARS[words[2]] : undefined;
      if (!type || (list && !countType)) throw unreadable(`PLY property with an unknown type: "${line.trim()}"`);
      element.properties.push({ name: words[list ? 4 : 2], type, countType });
    }
  }
  if (!encoding) throw unreadable('PLY header without a "format" line');
  // end.index counts latin1 characters, one per byte
  return { encoding, elements, bodyOffset: end.index + end[0].length };
}

/** Reads one value at a time from the body, whatever its encoding. */
interface ValueReader {
  next(type: Scalar): number;
}

function binaryReader(bytes: Uint8Array, offset: number, littleEndian: boolean): ValueReader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = offset;
  return {
    next(type) {
      if (at + SIZE[type] > bytes.length) throw unreadable('PLY body is truncated: the header announces more data than the file holds');
      const value = readScalar(view, at, type, littleEndian);
      at += SIZE[type];
      return value;
    },
  };
}

function readScalar(view: DataView, at: number, type: Scalar, le: boolean): number {
  switch (type) {
    case 'int8':
      return view.getInt8(at);
    case 'uint8':
      return view.getUint8(at);
    case 'int16':
      return view.getInt16(at, le);
    case 'uint16':
      return view.getUint16(at, le);
    case 'int32':
      return view.getInt32(at, le);
    case 'uint32':
      return view.getUint32(at, le);
    case 'float32':
      return view.getFloat32(at, le);
    case 'float64':
      return view.getFloat64(at, le);
  }
}

function asciiReader(bytes: Uint8Array, offset: number): ValueReader {
  const text = latin1(bytes.subarray(offset));
  const token = /\S+/g;
  return {
    next() {
      const match = token.exec(text);
      if (!match) throw unreadable('PLY body is truncated: the header announces more values than the file holds');
      return Number(match[0]);
    },
  };
}

const COLOR_NAMES = [
  ['red', 'green', 'blue', 'alpha'],
  ['r', 'g', 'b', 'a'],
  ['diffuse_red', 'diffuse_green', 'diffuse_blue', 'diffuse_alpha'],
];
const UV_NAMES = [
  ['s', 't'],
  ['u', 'v'],
  ['texture_u', 'texture_v'],
  ['texture_s', 'texture_t'],
];

/**
 * PLY, ASCII or binary, with its own header-driven parser so faces keep their shared vertices (topology needs
 * them). Vertex counts and face counts are checked against the limits from the header before the body is read;
 * polygons are fanned into triangles; a file without faces is a point cloud.
 */
export function readPly(bytes: Uint8Array, ctx: ReadContext): MeshAsset {
  const header = parseHeader(bytes);
  const vertex = header.elements.find((e) => e.name === 'vertex');
  if (!vertex) throw unreadable('PLY without a vertex element');
  const face = header.elements.find((e) => e.name === 'face');
  checkLimit('PLY vertices', vertex.count, ctx.limits.maxVertices);
  // every face is at least one triangle
  checkLimit('PLY faces', face?.count ?? 0, ctx.limits.maxTriangles);
  checkBodySize(bytes, header);

  const index = (names: string[]) => names.map((n) => vertex.properties.findIndex((p) => p.name === n && !p.countType));
  const xyz = index(['x', 'y', 'z']);
  if (xyz.some((i) => i < 0)) throw unreadable('PLY vertex element without x, y and z properties');
  const normalAt = index(['nx', 'ny', 'nz']);
  const colorAt = COLOR_NAMES.map(index).find((c) => c[0] >= 0 && c[1] >= 0 && c[2] >= 0);
  const uvAt = UV_NAMES.map(index).find((c) => c[0] >= 0 && c[1] >= 0);

  const cornersAt = face ? face.properties.findIndex((p) => p.countType && (p.name === 'vertex_indices' || p.name === 'vertex_index')) : -1;
  if (face && face.count > 0 && cornersAt < 0) throw unreadable('PLY face element without a vertex_indices (or vertex_index) list');
  const n = vertex.count;
  const warnings = face?.properties.some((p) => p.countType && p.name === 'texcoord')
    ? ['per-face texture coordinates (face texcoord lists) are not read: only per-vertex s,t / u,v']
    : [];
  const positions = new Float32Array(n * 3);
  const normals = normalAt.every((i) => i >= 0) ? new Float32Array(n * 3) : undefined;
  const colors = colorAt ? new Float32Array(n * 4) : undefined;
  const uvs = uvAt ? new Float32Array(n * 2) : undefined;
  const triangles: number[] = [];
  const reader =
    header.encoding === 'ascii'
      ? asciiReader(bytes, header.bodyOffset)
      : binaryReader(bytes, header.bodyOffset, header.encoding === 'binary_little_endian');

  for (const element of header.elements) {
    for (let item = 0; item < element.count; item++) {
      const values = element.properties.map((p) => readProperty(reader, p));
      if (element === vertex) {
        const scalar = values as number[];
        for (let axis = 0; axis < 3; axis++) positions[item * 3 + axis] = scalar[xyz[axis]];
        if (normals) for (let axis = 0; axis < 3; axis++) normals[item * 3 + axis] = scalar[normalAt[axis]];
        if (colors && colorAt) {
          for (let c = 0; c < 4; c++) {
            const at = colorAt[c];
            colors[item * 4 + c] = at < 0 ? 1 : scalar[at] / (MAX[vertex.properties[at].type] ?? 1);
          }
        }
        // PLY writers (Blender, MeshLab) use OpenGL's v-up texture space: flipped to glTF's, as for OBJ
        if (uvs && uvAt) uvs.set([scalar[uvAt[0]], 1 - scalar[uvAt[1]]], item * 2);
      } else if (element === face) {
        const corners = values[cornersAt] as number[];
        for (const corner of corners)
          if (!(corner >= 0 && corner < n)) throw unreadable(`PLY face ${item} references vertex ${corner}, but there are ${n} vertices`);
        for (let c = 2; c < corners.length; c++) triangles.push(corners[0], corners[c - 1], corners[c]);
        // checked as the polygons are fanned: a few huge polygons must not fill the memory first
        checkLimit('PLY triangles (polygons fanned)', triangles.length / 3, ctx.limits.maxTriangles);
      }
    }
  }
  const primitive: MeshPrimitive = {
    mesh: 0,
    mode: face && face.count > 0 ? 'triangles' : 'points',
    positions: scaled(positions, ctx.unitScale),
    indices: face && face.count > 0 ? Uint32Array.from(triangles) : sequence(n),
  };
  if (normals) primitive.normals = normals;
  if (colors) primitive.colors = colors;
  if (uvs) primitive.uvs = uvs;
  return {
    format: 'ply',
    unitScale: ctx.unitScale,
    primitives: [primitive],
    materials: [],
    textures: [],
    meshCount: 1,
    nodeCount: 1,
    warnings,
  };
}

function readProperty(reader: ValueReader, property: Property): number | number[] {
  if (!property.countType) return reader.next(property.type);
  const count = reader.next(property.countType);
  if (!Number.isInteger(count) || count < 0 || count > 1_000_000)
    throw unreadable(`PLY list "${property.name}" has an impossible length ${count}`);
  const list = new Array<number>(count);
  for (let i = 0; i < count; i++) list[i] = reader.next(property.type);
  return list;
}

/** A binary body must hold at least the fixed-size part the header announces: checked before allocating for it. */
function checkBodySize(bytes: Uint8Array, header: Header): void {
  if (header.encoding === 'ascii') return;
  let minimum = 0;
  for (const element of header.elements) {
    const stride = element.properties.reduce((sum, p) => sum + SIZE[p.countType ?? p.type], 0);
    minimum += stride * element.count;
  }
  if (header.bodyOffset + minimum > bytes.length)
    throw unreadable(
      `PLY body is truncated: the header announces at least ${minimum} bytes, the file holds ${bytes.length - header.bodyOffset}`,
    );
}
