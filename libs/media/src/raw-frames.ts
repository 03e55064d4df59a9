/**
 * Plumbing shared by the video decoders: raw frames cut out of a pipe, and their presentation times, which
 * ffmpeg prints on a separate pipe (fd 4) from a `metadata=mode=print` filter in the same graph. The two
 * pipes are read independently, so a frame waits here until its time has arrived.
 */

/** Cuts a byte stream into frames of `frameBytes`; every frame is a fresh buffer its receiver owns. */
export class FrameSplitter {
  private current: Uint8Array;
  private filled = 0;
  count = 0;

  constructor(
    readonly frameBytes: number,
    private readonly onFrame: (data: Uint8Array, ordinal: number) => void,
  ) {
    this.current = new Uint8Array(frameBytes);
  }

  push(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(this.frameBytes - this.filled, chunk.length - offset);
      this.current.set(chunk.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled === this.frameBytes) {
        const frame = this.current;
        this.current = new Uint8Array(this.frameBytes);
        this.filled = 0;
        this.onFrame(frame, this.count++);
      }
    }
  }

  /** bytes of an incomplete last frame (0 when the stream ended on a frame boundary) */
  get leftover(): number {
    return this.filled;
  }
}

/** The metadata key the filter graph tags frames with; its value names the branch (`a`, `s`, …). */
export const PTS_KEY = 'assay';

/**
 * Filters that print each frame's pts (in the link's time base; the graphs set it to microseconds with
 * `settb=AVTB`) to fd 4 as `frame:N pts:P pts_time:T` followed by `assay=<tag>`. `direct=1` makes every
 * line a write of its own, so lines arrive as frames are filtered instead of in 32 KiB bursts.
 */
export function ptsTagFilters(tag: string): string {
  return `metadata=mode=add:key=${PTS_KEY}:value=${tag},metadata=mode=print:key=${PTS_KEY}:direct=1:file=pipe\\\\:4`;
}

/** Parses the fd-4 lines into (tag, pts in µs) events; `NOPTS` becomes NaN. */
export class PtsLineParser {
  private text = '';
  private pts = NaN;

  constructor(private readonly onPts: (tag: string, ptsUs: number) => void) {}

  push(chunk: Buffer): void {
    this.text += chunk.toString('latin1');
    let nl: number;
    while ((nl = this.text.indexOf('\n')) >= 0) {
      const line = this.text.slice(0, nl);
      this.text = this.text.slice(nl + 1);
      if (line.startsWith('frame:')) {
        const m = /pts:(-?\d+)/.exec(line);
        this.pts = m ? Number(m[1]) : NaN;
      } else if (line.startsWith(`${PTS_KEY}=`)) {
        this.onPts(line.slice(PTS_KEY.length + 1).trim(), this.pts);
        this.pts = NaN;
      }
    }
  }
}

/**
 * Joins frames (in decode order) with their pts. A frame is released once its pts is known; `finish()`
 * releases the rest with the fallback time `index / frameRate`. Times are relative to the first frame.
 */
export class FrameClock<T> {
  readonly pts: number[] = [];
  private pending: { index: number; item: T }[] = [];
  fallbacks = 0;

  constructor(
    private readonly frameRate: number,
    private readonly release: (item: T, index: number, time: number) => void,
  ) {}

  timeOf(index: number): number {
    const p = this.pts[index];
    const p0 = this.pts[0];
    if (Number.isFinite(p) && Number.isFinite(p0)) return (p - p0) / 1e6;
    return index / this.frameRate;
  }

  addPts(ptsUs: number): void {
    this.pts.push(ptsUs);
    this.drain();
  }

  addFrame(index: number, item: T): void {
    this.pending.push({ index, item });
    this.drain();
  }

  private drain(): void {
    while (this.pending.length && this.pending[0].index < this.pts.length) {
      const { index, item } = this.pending.shift()!;
      if (!Number.isFinite(this.pts[index])) this.fallbacks++;
      this.release(item, index, this.timeOf(index));
    }
  }

  finish(): void {
    for (const { index, item } of this.pending.splice(0)) {
      if (!Number.isFinite(this.pts[index])) this.fallbacks++;
      this.release(item, index, this.timeOf(index));
    }
  }
}
