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
 * Interns keys of `width` (1–3) doubles: `id(...)` returns the dense id of the key, a new one (= size before the
 * call) the first time it is seen. Integer-valued keys hash well; others only by their integer part.
 */
export class KeyTable {
  private mask: number;
  private slots: Int32Array;
  private keys: Float64Array;
  size = 0;

  /** `expectedKeys` sizes the table; it grows (doubling) past that */
  constructor(
    expectedKeys: number,
    private readonly width: 1 | 2 | 3,
  ) {
    const cap = capacityFor(expectedKeys);
    this.mask = cap - 1;
    this.slots = new Int32Array(cap).fill(-1);
    this.keys = new Float64Array(Math.max(1, expectedKeys) * width);
  }

  id(a: number, b = 0, c = 0): number {
    const { slots, keys, width, mask } = this;
    let s = mix(a, b, c) & mask;
    for (;;) {
      const at = slots[s];
      if (at < 0) break;
      const k = at * width;
      if (keys[k] === a && (width < 2 || keys[k + 1] === b) && (width < 3 || keys[k + 2] === c)) return at;
      s = (s + 1) & mask;
    }
    if ((this.size + 1) * width > keys.length || (this.size + 1) * 2 > slots.length) {
      this.grow();
      return this.id(a, b, c);
    }
    const id = this.size++;
    keys[id * width] = a;
    if (width > 1) keys[id * width + 1] = b;
    if (width > 2) keys[id * width + 2] = c;
    slots[s] = id;
    return id;
  }

  private grow(): void {
    const { width } = this;
    const keys = new Float64Array(Math.max(this.keys.length * 2, width * 16));
    keys.set(this.keys);
    this.keys = keys;
    const cap = capacityFor(keys.length / width);
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let id = 0; id < this.size; id++) {
      let s = mix(keys[id * width], width > 1 ? keys[id * width + 1] : 0, width > 2 ? keys[id * width + 2] : 0) & this.mask;
      while (this.slots[s] >= 0) s = (s + 1) & this.mask;
      this.slots[s] = id;
    }
  }
}
