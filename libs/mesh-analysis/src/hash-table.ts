/**
 * Open-addressing hash tables over typed arrays for the keys the mesh passes need (vertex pairs packed into one
 * integer, quantised positions, sorted index triples). A JS Map with millions of non-Smi number keys boxes
 * every key; these keep a 1 M-triangle mesh in a few flat arrays.
 */

const capacityFor = (n: number) => {
  let cap = 16;
  while (cap < n * 2) cap *= 2;
  return cap;
};

/** Mixes up to three integer-valued doubles (each < 2^53) into a 32-bit hash. */
function mix(a: number, b: number, c: number): number {
  let h = Math.imul(a >>> 0, 0x9e3779b1) ^ Math.imul(Math.floor(a / 4294967296), 0x85ebca6b);
  h = Math.imul(h ^ (b >>> 0), 0xc2b2ae35) ^ Math.imul(Math.floor(b / 4294967296), 0x27d4eb2f);
  h = Math.imul(h ^ (c >>> 0), 0x165667b1) ^ Math.imul(Math.floor(c / 4294967296), 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}

/**
 * Interns keys of `width` (1–3) integer-valued doubles: `id(...)` returns the dense id of the key, a new one
 * (= size before the call) the first time it is seen.
 */
export class KeyTable {
  private readonly mask: number;
  private readonly slots: Int32Array;
  private readonly keys: Float64Array;
  size = 0;

  constructor(
    maxKeys: number,
    private readonly width: 1 | 2 | 3,
  ) {
    const cap = capacityFor(maxKeys);
    this.mask = cap - 1;
    this.slots = new Int32Array(cap).fill(-1);
    this.keys = new Float64Array(Math.max(1, maxKeys) * width);
  }

  id(a: number, b = 0, c = 0): number {
    const { slots, keys, width, mask } = this;
    let s = mix(a, b, c) & mask;
    for (;;) {
      const at = slots[s];
      if (at < 0) {
        const id = this.size++;
        keys[id * width] = a;
        if (width > 1) keys[id * width + 1] = b;
        if (width > 2) keys[id * width + 2] = c;
        slots[s] = id;
        return id;
      }
      const k = at * width;
      if (keys[k] === a && (width < 2 || keys[k + 1] === b) && (width < 3 || keys[k + 2] === c)) return at;
      s = (s + 1) & mask;
    }
  }
}
