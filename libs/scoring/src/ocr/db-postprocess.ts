/**
 * Post-processing of a DB (Differentiable Binarization) text-detection probability map, after PaddleOCR's
 * `DBPostProcess` defaults: binarize at 0.3, keep regions whose mean probability is ≥ 0.6, grow each by
 * the DB "unclip" offset (area × 1.5 / perimeter), drop regions thinner than 3 px before and 5 px after.
 * Regions are 8-connected components with axis-aligned boxes (PaddleOCR fits rotated rectangles; generated
 * images' stray text is mostly horizontal, and area ratios barely differ).
 */
export interface DbParams {
  thresh: number;
  boxThresh: number;
  unclipRatio: number;
  minSize: number;
  maxCandidates: number;
}

export const DB_DEFAULTS: DbParams = { thresh: 0.3, boxThresh: 0.6, unclipRatio: 1.5, minSize: 3, maxCandidates: 1000 };

export interface TextBox {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
}

export interface DbResult {
  boxes: TextBox[];
  /** union of the boxes over the image area */
  areaRatio: number;
}

export function dbPostprocess(prob: Float32Array, mapW: number, mapH: number, imageW: number, imageH: number, params: DbParams = DB_DEFAULTS): DbResult {
  const n = mapW * mapH;
  const label = new Int32Array(n); // 0 = unvisited background/foreground, -1 = visited
  const stack = new Int32Array(n);
  const covered = new Uint8Array(n);
  const sx = imageW / mapW;
  const sy = imageH / mapH;
  const boxes: TextBox[] = [];
  let candidates = 0;

  for (let start = 0; start < n && candidates < params.maxCandidates; start++) {
    if (label[start] !== 0 || prob[start] <= params.thresh) continue;
    candidates++;
    let minX = mapW, minY = mapH, maxX = -1, maxY = -1;
    let top = 0;
    stack[top++] = start;
    label[start] = -1;
    while (top > 0) {
      const p = stack[--top];
      const px = p % mapW;
      const py = (p - px) / mapW;
      if (px < minX) minX = px;
      if (px > maxX) maxX = px;
      if (py < minY) minY = py;
      if (py > maxY) maxY = py;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = py + dy;
        if (ny < 0 || ny >= mapH) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = px + dx;
          if (nx < 0 || nx >= mapW) continue;
          const q = ny * mapW + nx;
          if (label[q] === 0 && prob[q] > params.thresh) {
            label[q] = -1;
            stack[top++] = q;
          }
        }
      }
    }
    const w = maxX - minX;
    const h = maxY - minY;
    if (Math.min(w, h) < params.minSize) continue;
    let sum = 0;
    for (let y = minY; y <= maxY; y++) for (let x = minX; x <= maxX; x++) sum += prob[y * mapW + x];
    const score = sum / ((w + 1) * (h + 1));
    if (score < params.boxThresh) continue;
    const d = (w * h * params.unclipRatio) / (2 * (w + h));
    const x0 = Math.max(0, minX - d);
    const y0 = Math.max(0, minY - d);
    const x1 = Math.min(mapW, maxX + d);
    const y1 = Math.min(mapH, maxY + d);
    if (Math.min(x1 - x0, y1 - y0) < params.minSize + 2) continue;
    for (let y = Math.floor(y0); y < Math.ceil(y1); y++) covered.fill(1, y * mapW + Math.floor(x0), y * mapW + Math.ceil(x1));
    boxes.push({
      x: Math.round(x0 * sx),
      y: Math.round(y0 * sy),
      width: Math.round((x1 - x0) * sx),
      height: Math.round((y1 - y0) * sy),
      score: Math.round(score * 1e4) / 1e4,
    });
  }
  let area = 0;
  for (let i = 0; i < n; i++) area += covered[i];
  return { boxes, areaRatio: area / n };
}

/** PaddleOCR's `DetResizeForTest` (limit_type max): scale the long side to at most `limit`, then round each side to a multiple of 32. */
export function detectionInputSize(width: number, height: number, limit = 960): { width: number; height: number } {
  const ratio = Math.max(width, height) > limit ? limit / Math.max(width, height) : 1;
  const round32 = (v: number) => Math.max(Math.round(Math.trunc(v * ratio) / 32) * 32, 32);
  return { width: round32(width), height: round32(height) };
}
