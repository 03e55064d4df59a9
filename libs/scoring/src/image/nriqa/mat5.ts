/**
 * A reader for numeric matrices in MATLAB Level-5 MAT-files (`save -v6`/`-v7`, `scipy.io.savemat`): the
 * 128-byte header, then tagged data elements (8-byte aligned, "small element" tags packed into 4 bytes),
 * `miCOMPRESSED` elements inflated with zlib. Only real, non-sparse numeric arrays are returned (as float64,
 * column-major, MATLAB's order); other variables are skipped.
 */
import { inflateSync } from 'node:zlib';

export interface MatArray {
  name: string;
  dims: number[];
  /** column-major */
  data: Float64Array;
}

const miINT8 = 1,
  miUINT8 = 2,
  miINT16 = 3,
  miUINT16 = 4,
  miINT32 = 5,
  miUINT32 = 6,
  miSINGLE = 7,
  miDOUBLE = 9;
const miINT64 = 12,
  miUINT64 = 13,
  miMATRIX = 14,
  miCOMPRESSED = 15;
/** mxCLASS ids of numeric arrays (double, single, int8 … uint64) */
const NUMERIC_CLASSES = new Set([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);

class Reader {
  constructor(
    readonly view: DataView,
    readonly le: boolean,
  ) {}

  /** Element at `pos`: its type, payload offset and length, and where the next element starts. */
  tag(pos: number): { type: number; start: number; bytes: number; next: number } {
    if (pos + 8 > this.view.byteLength) throw new Error(`MAT-file: truncated element tag at ${pos}`);
    const first = this.view.getUint32(pos, this.le);
    if (first >>> 16 !== 0) {
      // small data element: 2-byte size, 2-byte type, up to 4 bytes of data in the tag itself
      return { type: first & 0xffff, start: pos + 4, bytes: first >>> 16, next: pos + 8 };
    }
    const bytes = this.view.getUint32(pos + 4, this.le);
    const start = pos + 8;
    if (start + bytes > this.view.byteLength) throw new Error(`MAT-file: element at ${pos} runs past the end`);
    return { type: first, start, bytes, next: start + (first === miCOMPRESSED ? bytes : Math.ceil(bytes / 8) * 8) };
  }

  numbers(type: number, start: number, bytes: number): Float64Array {
    const size = {
      [miINT8]: 1,
      [miUINT8]: 1,
      [miINT16]: 2,
      [miUINT16]: 2,
      [miINT32]: 4,
      [miUINT32]: 4,
      [miSINGLE]: 4,
      [miDOUBLE]: 8,
      [miINT64]: 8,
      [miUINT64]: 8,
    }[type];
    if (!size) throw new Error(`MAT-file: unsupported data type ${type}`);
    const n = bytes / size;
    if (!Number.isInteger(n)) throw new Error(`MAT-file: ${bytes} bytes is not a whole number of type-${type} values`);
    const out = new Float64Array(n);
    const v = this.view;
    for (let i = 0; i < n; i++) {
      const p = start + i * size;
      switch (type) {
        case miINT8:
          out[i] = v.getInt8(p);
          break;
        case miUINT8:
          out[i] = v.getUint8(p);
          break;
        case miINT16:
          out[i] = v.getInt16(p, this.le);
          break;
        case miUINT16:
          out[i] = v.getUint16(p, this.le);
          break;
        case miINT32:
          out[i] = v.getInt32(p, this.le);
          break;
        case miUINT32:
          out[i] = v.getUint32(p, this.le);
          break;
        case miSINGLE:
          out[i] = v.getFloat32(p, this.le);
          break;
        case miDOUBLE:
          out[i] = v.getFloat64(p, this.le);
          break;
        case miINT64:
          out[i] = Number(v.getBigInt64(p, this.le));
          break;
        case miUINT64:
          out[i] = Number(v.getBigUint64(p, this.le));
          break;
      }
    }
    return out;
  }

  /** A miMATRIX payload: flags, dims, name, real part. Undefined for non-numeric, complex or sparse arrays. */
  matrix(start: number, end: number): MatArray | undefined {
    const flags = this.tag(start);
    const flagWords = this.numbers(flags.type, flags.start, flags.bytes);
    const mxClass = flagWords[0] & 0xff;
    const complex = (flagWords[0] & 0x800) !== 0;
    const dimsTag = this.tag(flags.next);
    const dims = Array.from(this.numbers(dimsTag.type, dimsTag.start, dimsTag.bytes));
    const nameTag = this.tag(dimsTag.next);
    const name = new TextDecoder().decode(new Uint8Array(this.view.buffer, this.view.byteOffset + nameTag.start, nameTag.bytes));
    if (!NUMERIC_CLASSES.has(mxClass) || complex) return undefined;
    const real = this.tag(nameTag.next);
    if (real.next > end + 7) throw new Error(`MAT-file: variable ${name} runs past its element`);
    const data = this.numbers(real.type, real.start, real.bytes);
    const count = dims.reduce((a, b) => a * b, 1);
    if (data.length !== count) throw new Error(`MAT-file: ${name} has ${data.length} values for dims ${dims.join('×')}`);
    return { name, dims, data };
  }
}

function elements(bytes: Uint8Array, le: boolean, from: number, out: Map<string, MatArray>): void {
  const r = new Reader(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), le);
  let pos = from;
  while (pos + 8 <= bytes.byteLength) {
    const t = r.tag(pos);
    if (t.type === miMATRIX) {
      const m = r.matrix(t.start, t.start + t.bytes);
      if (m) out.set(m.name, m);
    } else if (t.type === miCOMPRESSED) {
      elements(new Uint8Array(inflateSync(bytes.subarray(t.start, t.start + t.bytes))), le, 0, out);
    }
    pos = t.next;
  }
}

export function parseMat5(bytes: Uint8Array): Map<string, MatArray> {
  if (bytes.byteLength < 128) throw new Error('MAT-file: shorter than its 128-byte header');
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, 116));
  if (!text.startsWith('MATLAB 5.0 MAT-file')) throw new Error('not a MATLAB 5.0 MAT-file (v7.3 files are HDF5 and not supported)');
  const endian = String.fromCharCode(bytes[126], bytes[127]);
  if (endian !== 'IM' && endian !== 'MI') throw new Error(`MAT-file: bad endian indicator "${endian}"`);
  const out = new Map<string, MatArray>();
  elements(bytes, endian === 'IM', 128, out);
  return out;
}

/** A variable as a row-major rows × cols matrix (transposed from MATLAB's column-major order). */
export function matrixOf(vars: Map<string, MatArray>, name: string): { rows: number; cols: number; data: Float64Array } {
  const v = vars.get(name);
  if (!v) throw new Error(`MAT-file: no numeric variable ${name}`);
  if (v.dims.length !== 2) throw new Error(`MAT-file: ${name} has ${v.dims.length} dimensions, expected 2`);
  const [rows, cols] = v.dims;
  const data = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[r * cols + c] = v.data[c * rows + r];
  return { rows, cols, data };
}
