import { AssayError, ErrorCode } from '@assay/contracts';
import { Inflate } from 'fflate';
import type { MeshLimits } from './limits.js';

/** A .zip bundle in memory: every file by its path, and the one mesh file the others serve. */
export interface Bundle {
  main: string;
  files: Map<string, Uint8Array>;
}

const MESH_FILE = /\.(glb|gltf|obj|ply|stl)$/i;
/** compressed bytes handed to the inflater at a time: bounds what one step can produce (deflate peaks near 1032:1) */
const INFLATE_STEP = 16 * 1024;
/** below this many inflated bytes no ratio is suspicious: small files of repeated bytes compress very well */
const RATIO_FLOOR = 1024 * 1024;

const invalid = (message: string) => new AssayError(ErrorCode.BundleInvalid, message);

interface Entry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  localOffset: number;
}

/** The central directory's entries, checked for count and paths before anything is inflated. */
function listEntries(bytes: Uint8Array, view: DataView, limits: MeshLimits['bundle']): Entry[] {
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === 0x06054b50) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw invalid('the .zip has no central directory (truncated or not a zip archive)');
  const count = view.getUint16(eocd + 10, true);
  const directoryOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || directoryOffset === 0xffffffff)
    throw invalid('ZIP64 archives are not supported: bundles hold at most 65535 small entries');
  if (count > limits.maxEntries) throw invalid(`the .zip holds ${count} entries, more than the limit of ${limits.maxEntries}`);
  const entries: Entry[] = [];
  const names = new TextDecoder('utf-8');
  let at = directoryOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) throw invalid('the .zip central directory is damaged');
    const nameLength = view.getUint16(at + 28, true);
    const name = names.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    checkPath(name);
    entries.push({
      name,
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      compressedSize: view.getUint32(at + 20, true),
      localOffset: view.getUint32(at + 42, true),
    });
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return entries;
}

function checkPath(name: string): void {
  if (name.startsWith('/') || name.includes('\\') || /^[A-Za-z]:/.test(name) || name.split('/').includes('..'))
    throw invalid(`the .zip entry "${name}" has an absolute or escaping path (/, \\, a drive letter or ..)`);
}

const ignored = (name: string) => name.endsWith('/') || name.startsWith('__MACOSX/') || name.split('/').some((s) => s.startsWith('.'));

/**
 * Opens a .zip bundle in memory, refusing (bundle_invalid) too many entries, escaping paths and, counted while
 * inflating rather than trusted from the headers, too many uncompressed bytes or a compression ratio that
 * betrays a zip bomb. The main file is the one .glb/.gltf/.obj/.ply/.stl, macOS metadata and hidden files aside.
 */
export function openBundle(bytes: Uint8Array, limits: MeshLimits['bundle']): Bundle {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries = listEntries(bytes, view, limits).filter((e) => !ignored(e.name));
  const compressedTotal = entries.reduce((sum, e) => sum + e.compressedSize, 0);
  const budget = {
    inflated: 0,
    maxBytes: limits.maxUncompressedBytes,
    maxByRatio: Math.max(RATIO_FLOOR, compressedTotal * limits.maxCompressionRatio),
  };
  const files = new Map<string, Uint8Array>();
  for (const entry of entries) files.set(entry.name, extract(bytes, view, entry, budget, limits.maxCompressionRatio));
  const mains = [...files.keys()].filter((name) => MESH_FILE.test(name));
  if (mains.length !== 1)
    throw invalid(
      mains.length
        ? `the .zip holds several mesh files (${mains.join(', ')}): bundle one asset per .zip`
        : 'the .zip holds no .glb, .gltf, .obj, .ply or .stl file',
    );
  return { main: mains[0], files };
}

interface Budget {
  inflated: number;
  maxBytes: number;
  maxByRatio: number;
}

function spend(budget: Budget, bytes: number, name: string, ratio: number): void {
  budget.inflated += bytes;
  if (budget.inflated > budget.maxBytes)
    throw invalid(`the .zip inflates to more than ${budget.maxBytes} bytes (the limit), stopped in "${name}"`);
  if (budget.inflated > budget.maxByRatio)
    throw invalid(`the .zip inflates to more than ${ratio} times its compressed size (stopped in "${name}"): refused as a zip bomb`);
}

function extract(bytes: Uint8Array, view: DataView, entry: Entry, budget: Budget, ratio: number): Uint8Array {
  if (entry.flags & 1) throw invalid(`the .zip entry "${entry.name}" is encrypted`);
  const local = entry.localOffset;
  if (local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50) throw invalid(`the .zip entry "${entry.name}" is damaged`);
  const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  const data = bytes.subarray(start, start + entry.compressedSize);
  if (data.length !== entry.compressedSize) throw invalid(`the .zip entry "${entry.name}" is truncated`);
  if (entry.method === 0) {
    spend(budget, data.length, entry.name, ratio);
    return data;
  }
  if (entry.method !== 8)
    throw invalid(`the .zip entry "${entry.name}" uses compression method ${entry.method}: only stored and deflate are read`);
  const chunks: Uint8Array[] = [];
  const inflater = new Inflate((chunk) => {
    spend(budget, chunk.length, entry.name, ratio);
    chunks.push(chunk);
  });
  try {
    for (let at = 0; at < data.length || at === 0; at += INFLATE_STEP)
      inflater.push(data.subarray(at, at + INFLATE_STEP), at + INFLATE_STEP >= data.length);
  } catch (err) {
    if (err instanceof AssayError) throw err;
    throw invalid(`the .zip entry "${entry.name}" does not inflate: ${(err as Error).message}`);
  }
  return concat(chunks);
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
