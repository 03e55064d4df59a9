/** Average ranks (1-based; ties share the mean of their ranks, SciPy `rankdata` method='average') and Σ(t³ − t) over tie groups of size t. */
export function averageRanks(x: ArrayLike<number>): { ranks: Float64Array; tieTerm: number } {
  const n = x.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((i, j) => x[i] - x[j]);
  const ranks = new Float64Array(n);
  let tieTerm = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && x[idx[end]] === x[idx[start]]) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[idx[k]] = rank;
    const t = end - start;
    tieTerm += t * t * t - t;
    start = end;
  }
  return { ranks, tieTerm };
}
