/**
 * Post-processing of a DB (Differentiable Binarization) text-detection probability map: PaddleOCR's
 * `DBPostProcess.boxes_from_bitmap` (box_type 'quad', score_mode 'fast') with its inference defaults, then
 * `TextDetector.filter_tag_det_res`. Per region of the map binarized at `thresh`:
 * 1. the minimum-area rotated rectangle of its points (`get_mini_boxes`); dropped when its short side is
 *    under `minSize`;
 * 2. `box_score_fast`: mean probability inside that rectangle (the polygon rasterized with `cv2.fillPoly`
 *    over its bounding box); dropped under `boxThresh`;
 * 3. `unclip`: grown by area × `unclipRatio` / perimeter with round joins (Clipper's exact vertices, see
 *    unclip.ts), and the min-area rectangle of the result; dropped when its short side is under `minSize + 2`;
 * 4. scaled to image pixels (rounded half to even, clipped to [0, size]);
 * 5. `filter_tag_det_res`: corners ordered clockwise from the top-left, clipped to [0, size − 1], and
 *    dropped when an edge (top or left) is 3 px or shorter.
 *
 * Regions are `cv2.findContours(RETR_LIST, CHAIN_APPROX_SIMPLE)`'s contours, ported with OpenCV's border
 * following: outer borders of 8-connected components and borders of their holes, in OpenCV's order. The
 * exact contour matters beyond its hull: `minAreaRect` starts its calipers from the hull vertex that comes
 * first in the contour, and the corners' float rounding (truncated by unclip) depends on that start.
 */
import { fillPolyMask, getMiniBoxes, type Point, type Quad } from './geometry.js';
import { quadUnionArea } from './layout.js';
import { unclip } from './unclip.js';

export interface DbParams {
  thresh: number;
  boxThresh: number;
  unclipRatio: number;
  minSize: number;
  maxCandidates: number;
}

/** PaddleOCR's inference defaults (`det_db_thresh`, `det_db_box_thresh`, `det_db_unclip_ratio`). */
export const DB_DEFAULTS: DbParams = { thresh: 0.3, boxThresh: 0.6, unclipRatio: 1.5, minSize: 3, maxCandidates: 1000 };

/** `filter_tag_det_res` drops boxes whose top or left edge is this long or shorter (pixels). */
export const MIN_BOX_SIDE = 3;

export interface TextBox {
  /** integer corners in image pixels: top-left, top-right, bottom-right, bottom-left */
  points: Quad;
  /** mean probability inside the (pre-unclip) box */
  score: number;
}

export interface DbResult {
  boxes: TextBox[];
  /** union of the boxes over the image area (pixel centres inside any box) */
  areaRatio: number;
}

const f32 = Math.fround;
/** np.round: half to even */
function roundEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// OpenCV's chain-code directions: right, up-right, up, up-left, left, down-left, down, down-right
const CODE_DELTAS: Point[] = [
  [1, 0],
  [1, -1],
  [0, -1],
  [-1, -1],
  [-1, 0],
  [-1, 1],
  [0, 1],
  [1, 1],
];
const NBD = 2; // mark of a traced border pixel
const RIGHT_BORDER = 2 - 128; // (nbd | -128) as a signed char: a traced pixel whose right neighbour is background

/**
 * OpenCV's `icvFetchContour` with CHAIN_APPROX_SIMPLE: follows one border from pixel `i0` of the padded
 * image `img` (values 0, 1 or marks), marks the traced pixels, and returns the points where the chain code
 * changes direction.
 */
function fetchContour(img: Int8Array, step: number, i0: number, origin: Point, hole: boolean): Point[] {
  const deltas = [1, -step + 1, -step, -step - 1, -1, step - 1, step, step + 1];
  const d = (k: number) => deltas[k & 7];
  const out: Point[] = [];
  let s = hole ? 0 : 4;
  let sEnd = s;
  let i1: number;
  do {
    s = (s - 1) & 7;
    i1 = i0 + d(s);
  } while (img[i1] === 0 && s !== sEnd);
  if (s === sEnd) {
    // a single pixel
    img[i0] = RIGHT_BORDER;
    return [[origin[0], origin[1]]];
  }
  let i3 = i0;
  let i4 = i0;
  let prevS = s ^ 4;
  let [x, y] = origin;
  for (;;) {
    sEnd = s;
    while (s < 15) {
      i4 = i3 + d(++s);
      if (img[i4] !== 0) break;
    }
    s &= 7;
    if (s >= 1 && s - 1 < sEnd) img[i3] = RIGHT_BORDER;
    else if (img[i3] === 1) img[i3] = NBD;
    if (s !== prevS) {
      out.push([x, y]);
      prevS = s;
    }
    x += CODE_DELTAS[s][0];
    y += CODE_DELTAS[s][1];
    if (i4 === i0 && i3 === i1) break;
    i3 = i4;
    s = (s + 4) & 7;
  }
  return out;
}

/**
 * `cv2.findContours(bitmap, RETR_LIST, CHAIN_APPROX_SIMPLE)` (OpenCV's raster scan with Suzuki–Abe border
 * following on the map padded by one background pixel): outer borders of 8-connected foreground components
 * and borders of their 4-connected holes, in OpenCV's list order (the last found first).
 */
export function findContours(fg: Uint8Array, w: number, h: number): Point[][] {
  const step = w + 2;
  const img = new Int8Array(step * (h + 2));
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img[(y + 1) * step + x + 1] = fg[y * w + x] ? 1 : 0;
  const contours: Point[][] = [];
  for (let y = 1; y <= h; y++) {
    let prev = 0;
    for (let x = 1; x <= w; x++) {
      const i = y * step + x;
      const p = img[i];
      if (p === prev) continue;
      if (prev === 0 && p === 1) {
        // outer border starts at an untraced foreground pixel after background
        contours.push(fetchContour(img, step, i, [x - 1, y - 1], false));
      } else if (p === 0 && prev >= 1) {
        // hole border starts at the foreground pixel before background, unless a traced border ends there
        contours.push(fetchContour(img, step, i - 1, [x - 2, y - 1], true));
      } else {
        prev = p;
        continue;
      }
      // OpenCV returns each contour and resumes the scan re-reading this pixel, now possibly marked
      prev = img[i];
    }
  }
  return contours.reverse();
}

/** `box_score_fast`: mean of `prob` over the box polygon (corners truncated to integers) rasterized by `cv2.fillPoly`. */
export function boxScoreFast(prob: Float32Array, w: number, h: number, box: Point[]): number {
  const clamp = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
  const xmin = clamp(Math.floor(Math.min(...box.map((p) => p[0]))), w - 1);
  const xmax = clamp(Math.ceil(Math.max(...box.map((p) => p[0]))), w - 1);
  const ymin = clamp(Math.floor(Math.min(...box.map((p) => p[1]))), h - 1);
  const ymax = clamp(Math.ceil(Math.max(...box.map((p) => p[1]))), h - 1);
  const mw = xmax - xmin + 1;
  const mh = ymax - ymin + 1;
  const mask = new Uint8Array(mw * mh);
  fillPolyMask(
    mask,
    mw,
    mh,
    box.map(([x, y]): Point => [Math.trunc(f32(x - xmin)), Math.trunc(f32(y - ymin))]),
  );
  let sum = 0;
  let count = 0;
  for (let y = 0; y < mh; y++) {
    for (let x = 0; x < mw; x++) {
      if (!mask[y * mw + x]) continue;
      sum += prob[(ymin + y) * w + xmin + x];
      count++;
    }
  }
  return count ? sum / count : 0;
}

/** `order_points_clockwise`: the two leftmost corners (stable sort by x) are top-left and bottom-left by y. */
function orderClockwise(pts: Point[]): Quad {
  const xs = [...pts].sort((a, b) => a[0] - b[0]);
  const [tl, bl] = [xs[0], xs[1]].sort((a, b) => a[1] - b[1]);
  const [tr, br] = [xs[2], xs[3]].sort((a, b) => a[1] - b[1]);
  return [tl, tr, br, bl];
}

/** `int(np.linalg.norm(a - b))` on float32 corners */
const edge = (a: Point, b: Point) => Math.trunc(f32(Math.sqrt(f32(f32((a[0] - b[0]) ** 2) + f32((a[1] - b[1]) ** 2)))));

export function dbPostprocess(
  prob: Float32Array,
  mapW: number,
  mapH: number,
  imageW: number,
  imageH: number,
  params: DbParams = DB_DEFAULTS,
): DbResult {
  const fg = new Uint8Array(mapW * mapH);
  for (let i = 0; i < fg.length; i++) fg[i] = prob[i] > params.thresh ? 1 : 0;
  const boxes: TextBox[] = [];
  for (const contour of findContours(fg, mapW, mapH).slice(0, params.maxCandidates)) {
    const { box, sside } = getMiniBoxes(contour);
    if (sside < params.minSize) continue;
    const score = boxScoreFast(prob, mapW, mapH, box);
    if (params.boxThresh > score) continue;
    const grown = unclip(box, params.unclipRatio);
    if (!grown.length) continue;
    const outer = getMiniBoxes(grown);
    if (outer.sside < params.minSize + 2) continue;
    // to image pixels in float32 (numpy keeps the box's dtype), rounded half to even, clipped
    const scaled = outer.box.map(([x, y]): Point => [
      Math.min(Math.max(roundEven(f32(f32(x / mapW) * imageW)), 0), imageW),
      Math.min(Math.max(roundEven(f32(f32(y / mapH) * imageH)), 0), imageH),
    ]);
    // filter_tag_det_res
    const quad = orderClockwise(scaled).map(([x, y]): Point => [Math.min(x, imageW - 1), Math.min(y, imageH - 1)]) as Quad;
    if (edge(quad[0], quad[1]) <= MIN_BOX_SIDE || edge(quad[0], quad[3]) <= MIN_BOX_SIDE) continue;
    boxes.push({ points: quad, score: Math.round(score * 1e4) / 1e4 });
  }
  return {
    boxes,
    areaRatio:
      quadUnionArea(
        boxes.map((b) => b.points),
        imageW,
        imageH,
      ) /
      (imageW * imageH),
  };
}

/** PaddleOCR's `DetResizeForTest` (limit_type max): scale the long side to at most `limit`, then round each side to a multiple of 32. */
export function detectionInputSize(width: number, height: number, limit = 960): { width: number; height: number } {
  const ratio = Math.max(width, height) > limit ? limit / Math.max(width, height) : 1;
  const round32 = (v: number) => Math.max(Math.round(Math.trunc(v * ratio) / 32) * 32, 32);
  return { width: round32(width), height: round32(height) };
}
