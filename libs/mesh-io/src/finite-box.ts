/** An axis-aligned box, metres. */
export interface Box {
  min: [number, number, number];
  max: [number, number, number];
}

/**
 * The box around the finite positions (xyz triples) of `arrays`: a vertex with a NaN or infinite coordinate is
 * left out, as is one `include` refuses (it gets the vertex's index counted through the arrays in order).
 * Undefined when no vertex is left.
 */
export function finiteBox(arrays: readonly ArrayLike<number>[], include?: (vertex: number) => boolean): Box | undefined {
  const min: Box['min'] = [Infinity, Infinity, Infinity];
  const max: Box['max'] = [-Infinity, -Infinity, -Infinity];
  let vertex = 0;
  for (const p of arrays) {
    for (let i = 0; i + 2 < p.length; i += 3, vertex++) {
      const x = p[i],
        y = p[i + 1],
        z = p[i + 2];
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z) || (include && !include(vertex))) continue;
      if (x < min[0]) min[0] = x;
      if (y < min[1]) min[1] = y;
      if (z < min[2]) min[2] = z;
      if (x > max[0]) max[0] = x;
      if (y > max[1]) max[1] = y;
      if (z > max[2]) max[2] = z;
    }
  }
  return min[0] <= max[0] ? { min, max } : undefined;
}
