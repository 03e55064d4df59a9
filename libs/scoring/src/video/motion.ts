/**
 * Motion between consecutive luma frames by hierarchical block matching (the classic motion-estimation
 * recipe of video encoders), sized to run on every frame:
 *
 * - the luma is box-reduced by an integer factor to at most `MOTION_MAX_SIDE` px on the longer side (the
 *   "working" frame), then twice more by 2×2 box averaging (a 3-level pyramid);
 * - the working frame is tiled in 16×16 blocks; blocks whose mean absolute gradient is below
 *   `MIN_TEXTURE` luma levels (sky, walls, black) are skipped, since they cannot be matched and would only
 *   add noise;
 * - each block is matched by SAD: a full search of ±4 px at the coarsest level (8×8 window around the block
 *   centre, i.e. ±16 working px), then ±1 px refinements at each finer level, so displacements up to ~±19
 *   working px per frame are found at ≈ 9 000 absolute differences per block; ties prefer the shorter vector,
 *   so static content stays at 0;
 * - a block counts only when its texture (mean absolute gradient) is at least twice what is left after
 *   matching (SAD per pixel): on flat content under temporal noise both are the noise, and any offset matches;
 * - a non-zero vector must beat the zero vector by 10 % of the SAD plus 0.25 levels per pixel (zero bias:
 *   on flat or noisy content every offset matches about as well, and temporal noise must not read as motion);
 * - the integer vector is refined to sub-pixel precision with an equiangular (V-shaped) fit of the SAD at ±1
 *   px in x and y, so slow pans (< 1 px per frame) are measured rather than rounded to 0 — only where the
 *   SAD minimum is sharp (it rises by more than half its value within ±1 px), again so noise stays at 0.
 *
 * The frame's motion is the mean length of the textured blocks' vectors, divided by the working frame's
 * diagonal, and the mean of the fastest 5 % of them (a walking person in a static shot). Unlike the MAFD
 * (mean absolute frame difference) this measures displacement, not change: a static but noisy clip has a
 * large MAFD and ~0 motion, a slowly panning smooth scene a small MAFD and clear motion — which is what "the
 * video barely moves" is about. O(pixels) per frame.
 */

export const MOTION_MAX_SIDE = 320;
const BLOCK = 16;
/** search range (px) at the coarsest level */
const TOP_RANGE = 4;
/** mean absolute horizontal + vertical luma gradient (levels) below which a block counts as flat */
export const MIN_TEXTURE = 1;
const LEVELS = 3;
/** a block counts only when its mean absolute gradient is at least this multiple of the matched SAD per pixel */
const RELIABILITY = 1;
/** a non-zero vector must lower the SAD by more than this share of it, plus ZERO_BIAS_LEVELS per pixel */
const ZERO_BIAS = 0.25;
const ZERO_BIAS_LEVELS = 0.25;
/** the SAD must rise by more than this share of its minimum within ±1 px for a sub-pixel estimate */
const SHARPNESS = 0.5;
/** share of the fastest blocks averaged for `MotionEstimate.top` */
export const TOP_SHARE = 0.05;

interface Level {
  w: number;
  h: number;
  px: Uint8Array;
}

/** Integer-factor box reduction (rounded mean of each f×f cell; cells at the border clipped to the frame). */
function boxReduce(src: Uint8Array, w: number, h: number, f: number, out?: Uint8Array): Level {
  const ow = Math.max(1, Math.floor(w / f));
  const oh = Math.max(1, Math.floor(h / f));
  const px = out && out.length === ow * oh ? out : new Uint8Array(ow * oh);
  if (f === 2 && w >= 2 && h >= 2) {
    for (let y = 0; y < oh; y++) {
      const r0 = 2 * y * w;
      const r1 = r0 + w;
      const o = y * ow;
      for (let x = 0; x < ow; x++) {
        const i = 2 * x;
        px[o + x] = (src[r0 + i] + src[r0 + i + 1] + src[r1 + i] + src[r1 + i + 1] + 2) >> 2;
      }
    }
    return { w: ow, h: oh, px };
  }
  for (let y = 0; y < oh; y++) {
    const y1 = Math.min(h, (y + 1) * f);
    for (let x = 0; x < ow; x++) {
      const x1 = Math.min(w, (x + 1) * f);
      let sum = 0;
      let n = 0;
      for (let yy = y * f; yy < y1; yy++) {
        const row = yy * w;
        for (let xx = x * f; xx < x1; xx++) {
          sum += src[row + xx];
          n++;
        }
      }
      px[y * ow + x] = Math.round(sum / n);
    }
  }
  return { w: ow, h: oh, px };
}

/**
 * Sum of absolute differences of two s×s blocks. Stops after the row where the sum exceeds `limit` (the best
 * SAD so far): the partial sum is then above it too, and the candidate is rejected exactly as with the full sum.
 */
function sad(
  a: Uint8Array,
  b: Uint8Array,
  stride: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  s: number,
  limit = Infinity,
): number {
  let sum = 0;
  for (let y = 0; y < s; y++) {
    const ia = (ay + y) * stride + ax;
    const ib = (by + y) * stride + bx;
    for (let x = 0; x < s; x++) {
      const d = a[ia + x] - b[ib + x];
      sum += d < 0 ? -d : d;
    }
    if (sum > limit) return sum;
  }
  return sum;
}

/** mean absolute horizontal and vertical gradient inside a block */
function texture(px: Uint8Array, stride: number, x0: number, y0: number, s: number): number {
  let sum = 0;
  for (let y = 0; y < s - 1; y++) {
    const row = (y0 + y) * stride + x0;
    for (let x = 0; x < s - 1; x++) {
      const v = px[row + x];
      const dx = px[row + x + 1] - v;
      const dy = px[row + stride + x] - v;
      sum += (dx < 0 ? -dx : dx) + (dy < 0 ? -dy : dy);
    }
  }
  return sum / (2 * (s - 1) * (s - 1));
}

/** equiangular (V) fit of the SAD minimum between -0.5 and 0.5 px */
function subpixel(minus: number, centre: number, plus: number): number {
  if (!Number.isFinite(minus) || !Number.isFinite(plus)) return 0;
  const slope = Math.max(minus, plus) - centre;
  // a shallow minimum is noise, not a position: no sub-pixel offset
  if (slope <= SHARPNESS * centre || slope <= 0) return 0;
  return Math.max(-0.5, Math.min(0.5, (minus - plus) / (2 * slope)));
}

/** A frame's luma pyramid, kept for the next frame's matching. */
export type MotionPyramid = Level[];

/** Builds the pyramid of one frame (working frame plus up to two 2× reductions). */
export function motionPyramid(luma: Uint8Array, width: number, height: number, reuse?: MotionPyramid): MotionPyramid {
  const f = Math.max(1, Math.ceil(Math.max(width, height) / MOTION_MAX_SIDE));
  const levels: Level[] = [f === 1 ? { w: width, h: height, px: luma } : boxReduce(luma, width, height, f, reuse?.[0]?.px)];
  while (levels.length < LEVELS) {
    const last = levels[levels.length - 1];
    if (Math.min(last.w, last.h) < 2 * BLOCK) break;
    levels.push(boxReduce(last.px, last.w, last.h, 2, reuse?.[levels.length]?.px));
  }
  return levels;
}

export interface MotionEstimate {
  /** mean vector length of the textured blocks, as a fraction of the working frame's diagonal */
  motion: number;
  /**
   * mean length of the fastest 5 % of the textured blocks (at least one), same unit: what moves, even when
   * most of the picture stands still (VBench's dynamic degree takes the top 5 % of optical-flow magnitudes)
   */
  top: number;
  /** share of blocks with texture (matched), 0–1 */
  coverage: number;
}

/** Block-matching motion from `prev` to `cur` (pyramids of same-size frames). */
export function estimateMotion(prev: MotionPyramid, cur: MotionPyramid): MotionEstimate {
  const base = cur[0];
  const nbx = Math.floor(base.w / BLOCK);
  const nby = Math.floor(base.h / BLOCK);
  if (!nbx || !nby || prev.length !== cur.length) return { motion: 0, top: 0, coverage: 0 };
  const lengths = new Float64Array(nbx * nby);
  const ox = (base.w - nbx * BLOCK) >> 1;
  const oy = (base.h - nby * BLOCK) >> 1;
  const top = cur.length - 1;
  let total = 0;
  let matched = 0;
  for (let by = 0; by < nby; by++) {
    for (let bx = 0; bx < nbx; bx++) {
      const x0 = ox + bx * BLOCK;
      const y0 = oy + by * BLOCK;
      const tex = texture(base.px, base.w, x0, y0, BLOCK);
      if (tex < MIN_TEXTURE) continue;
      let vx = 0;
      let vy = 0;
      let best = Infinity;
      let px0 = 0;
      let py0 = 0;
      for (let l = top; l >= 0; l--) {
        const lv = cur[l];
        const pv = prev[l].px;
        const s = Math.min(l === 0 ? BLOCK : Math.max(8, BLOCK >> l), lv.w, lv.h);
        const scale = 1 << l;
        const cx = (x0 + BLOCK / 2) / scale;
        const cy = (y0 + BLOCK / 2) / scale;
        const bxl = Math.max(0, Math.min(lv.w - s, Math.round(cx - s / 2)));
        const byl = Math.max(0, Math.min(lv.h - s, Math.round(cy - s / 2)));
        const range = l === top ? TOP_RANGE : 1;
        if (l < top) {
          vx *= 2;
          vy *= 2;
        }
        const cvx = vx;
        const cvy = vy;
        best = Infinity;
        let bestLen = Infinity;
        for (let dy = -range; dy <= range; dy++) {
          const ty = byl + cvy + dy;
          if (ty < 0 || ty > lv.h - s) continue;
          for (let dx = -range; dx <= range; dx++) {
            const tx = bxl + cvx + dx;
            if (tx < 0 || tx > lv.w - s) continue;
            const v = sad(lv.px, pv, lv.w, bxl, byl, tx, ty, s, best);
            const len = (cvx + dx) * (cvx + dx) + (cvy + dy) * (cvy + dy);
            if (v < best || (v === best && len < bestLen)) {
              best = v;
              bestLen = len;
              vx = cvx + dx;
              vy = cvy + dy;
            }
          }
        }
        if (best === Infinity) {
          // nothing in bounds at this level (tiny frame): keep the vector found so far
          vx = cvx;
          vy = cvy;
        }
        px0 = bxl;
        py0 = byl;
      }
      // nothing in bounds at the finest level (a frame barely larger than a block): not matched
      if (best === Infinity) continue;
      const s = Math.min(BLOCK, base.w, base.h);
      const pixels = s * s;
      const at = (x: number, y: number) => {
        const tx = px0 + x;
        const ty = py0 + y;
        return tx < 0 || ty < 0 || tx > base.w - s || ty > base.h - s ? Infinity : sad(base.px, prev[0].px, base.w, px0, py0, tx, ty, s);
      };
      // zero bias: a vector must beat standing still clearly (noise on flat content matches anywhere)
      if (vx || vy) {
        const still = at(0, 0);
        if (still - best <= ZERO_BIAS * best + ZERO_BIAS_LEVELS * pixels) {
          vx = 0;
          vy = 0;
          best = still;
        }
      }
      // unreliable: the block's own texture is not clearly above what is left after matching (noise)
      if (tex < RELIABILITY * (best / pixels)) continue;
      const fx = subpixel(at(vx - 1, vy), best, at(vx + 1, vy));
      const fy = subpixel(at(vx, vy - 1), best, at(vx, vy + 1));
      matched++;
      const len = Math.hypot(vx + fx, vy + fy);
      lengths[matched - 1] = len;
      total += len;
    }
  }
  const diagonal = Math.hypot(base.w, base.h);
  if (!matched) return { motion: 0, top: 0, coverage: 0 };
  const fastest = lengths
    .subarray(0, matched)
    .sort()
    .subarray(matched - Math.max(1, Math.round(matched * TOP_SHARE)));
  let topSum = 0;
  for (const v of fastest) topSum += v;
  return { motion: total / matched / diagonal, top: topSum / fastest.length / diagonal, coverage: matched / (nbx * nby) };
}
