import { AssayError, ErrorCode } from '@assay/contracts';

/**
 * A bounded, reproducible sample of an embedding set for the metrics that need the vectors themselves (KID,
 * CMMD, PRDC): the `capacity` assets with the smallest hash of their id (bottom-k sampling). The same assets
 * are chosen whatever order records arrive in, and two samples merge into the sample of their union, so a
 * stream read in concurrent stretches gives the same sample as one pass.
 */
export interface EmbeddingSample {
  dims: number;
  capacity: number;
  priorities: number[];
  ids: string[];
  vectors: Float32Array[];
}

export const DEFAULT_SAMPLE_CAPACITY = 2000;

export function emptySample(dims: number, capacity = DEFAULT_SAMPLE_CAPACITY): EmbeddingSample {
  return { dims, capacity, priorities: [], ids: [], vectors: [] };
}

/** FNV-1a over the id's UTF-16 units, then a murmur3 finalizer: a well-spread 32-bit priority. */
export function samplePriority(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const before = (pa: number, ia: string, pb: number, ib: string) => pa < pb || (pa === pb && ia < ib);

export function addToSample(s: EmbeddingSample, id: string, vector: Float32Array): void {
  if (vector.length !== s.dims)
    throw new AssayError(ErrorCode.EmbeddingMismatch, `an embedding of ${vector.length} dimensions among ${s.dims}-dimensional ones`);
  const p = samplePriority(id);
  if (s.ids.length < s.capacity) {
    s.priorities.push(p);
    s.ids.push(id);
    s.vectors.push(vector);
    return;
  }
  let worst = 0;
  for (let i = 1; i < s.ids.length; i++) if (before(s.priorities[worst], s.ids[worst], s.priorities[i], s.ids[i])) worst = i;
  if (!before(p, id, s.priorities[worst], s.ids[worst])) return;
  s.priorities[worst] = p;
  s.ids[worst] = id;
  s.vectors[worst] = vector;
}

/** Folds `other` into `into`, keeping the `capacity` smallest priorities of both, in priority order. */
export function mergeSamples(into: EmbeddingSample, other: EmbeddingSample): void {
  const all = [...into.ids.keys()].map((i) => ({ p: into.priorities[i], id: into.ids[i], v: into.vectors[i] }));
  for (let i = 0; i < other.ids.length; i++) all.push({ p: other.priorities[i], id: other.ids[i], v: other.vectors[i] });
  all.sort((a, b) => (before(a.p, a.id, b.p, b.id) ? -1 : before(b.p, b.id, a.p, a.id) ? 1 : 0));
  const kept = all.slice(0, into.capacity);
  into.priorities = kept.map((e) => e.p);
  into.ids = kept.map((e) => e.id);
  into.vectors = kept.map((e) => e.v);
}

/** The sample's ids and vectors in priority order, the vectors as one row-major float32 matrix (n × dims). */
export function sampleRows(s: EmbeddingSample): { ids: string[]; rows: Float32Array } {
  const order = [...s.ids.keys()].sort((a, b) => (before(s.priorities[a], s.ids[a], s.priorities[b], s.ids[b]) ? -1 : 1));
  const rows = new Float32Array(order.length * s.dims);
  order.forEach((i, row) => rows.set(s.vectors[i], row * s.dims));
  return { ids: order.map((i) => s.ids[i]), rows };
}

/** A sample back from its stored rows (the priorities follow from the ids). */
export function sampleFromRows(dims: number, capacity: number, ids: string[], rows: Float32Array): EmbeddingSample {
  if (rows.length !== ids.length * dims)
    throw new AssayError(ErrorCode.Internal, `a stored sample holds ${rows.length} values for ${ids.length} × ${dims}`);
  return {
    dims,
    capacity,
    priorities: ids.map(samplePriority),
    ids: [...ids],
    vectors: ids.map((_, i) => rows.slice(i * dims, (i + 1) * dims)),
  };
}
