import { AssayError, ErrorCode } from '@assay/contracts';
import { checkDecodeEnd, startTool, type ToolOptions, type ToolRun } from './ffmpeg-process.js';
import { decoderSettings } from './media-context.js';
import { decoderInputArgs, displaySize } from './media-policy.js';
import type { GrayFrame, MediaFile } from './media-types.js';
import { FrameClock, FrameSplitter, PtsLineParser, ptsTagFilters } from './raw-frames.js';
import { lumaPixelFormat, nominalFrameRate } from './video-frames.js';

export interface LumaPairOptions extends ToolOptions {
  /** frame i of the asset with frame i of the reference, for i below the shorter stream's length */
  onPair: (asset: GrayFrame, reference: GrayFrame) => void;
  signal?: AbortSignal;
  /** per process; default: the limit the asset was opened with */
  timeoutMs?: number;
  threads?: number;
}

export interface LumaPairResult {
  pairs: number;
  assetFrames: number;
  referenceFrames: number;
  width: number;
  height: number;
}

/** frames one side may run ahead of the other before its pipe is paused */
const MAX_AHEAD = 8;

function lumaArgs(file: MediaFile, threads?: number): string[] {
  const video = file.probe.video!;
  const graph = `[0:${video.index}]settb=AVTB,format=${lumaPixelFormat(video.pixelFormat)},extractplanes=y,${ptsTagFilters('y')}[y]`;
  return [
    ...decoderInputArgs(file.path, threads),
    '-filter_complex',
    graph,
    '-map',
    '[y]',
    '-fps_mode',
    'passthrough',
    '-f',
    'rawvideo',
    'pipe:1',
  ];
}

/**
 * Decodes an asset and its reference video in step, at full resolution, as Y planes (one ffmpeg process
 * each, read concurrently; the one ahead is paused). For 8-bit planar YUV these are the exact Y values
 * ffmpeg's `psnr` and `ssim` filters compare. Frame sizes (after rotation) must match, else
 * `reference_size_mismatch`. Both streams are decoded to the end, so their frame counts are exact; each
 * side is held to the limits its file was opened with.
 */
export async function decodeLumaPairs(asset: MediaFile, reference: MediaFile, options: LumaPairOptions): Promise<LumaPairResult> {
  const { tools, timeoutMs } = decoderSettings(asset, options, 'decodeLumaPairs', 'asset video');
  for (const [name, file] of [
    ['asset', asset],
    ['reference', reference],
  ] as const) {
    if (!file.probe.video) throw new AssayError(ErrorCode.NoVideoStream, `the ${name} (${file.probe.container}) has no video stream`);
  }
  const [width, height] = displaySize(asset.probe.video!);
  const [refWidth, refHeight] = displaySize(reference.probe.video!);
  if (width !== refWidth || height !== refHeight) {
    throw new AssayError(
      ErrorCode.ReferenceSizeMismatch,
      `the asset is ${width}×${height}, the reference ${refWidth}×${refHeight}; full-reference metrics need equal sizes`,
    );
  }

  // Internal cancellation: when one side fails, the other is killed at once.
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (options.signal?.aborted) controller.abort(options.signal.reason);

  const queues: [GrayFrame[], GrayFrame[]] = [[], []];
  const ended: [number | undefined, number | undefined] = [undefined, undefined];
  const runs: (ToolRun | undefined)[] = [undefined, undefined];
  const paused = [false, false];
  let pairs = 0;

  const flow = () => {
    const [qa, qr] = queues;
    // an abort (even one from inside onPair) stops delivery at once, though decoded pairs may be queued
    while (qa.length && qr.length && !controller.signal.aborted) {
      options.onPair(qa.shift()!, qr.shift()!);
      pairs++;
    }
    for (const side of [0, 1] as const) {
      const other = 1 - side;
      // once the other stream has ended, nothing will pair with what this side still decodes
      if (ended[other] !== undefined) queues[side].length = 0;
      const ahead = queues[side].length > MAX_AHEAD;
      if (ahead !== paused[side]) {
        paused[side] = ahead;
        if (ahead) runs[side]?.pause(1);
        else runs[side]?.resume(1);
      }
    }
  };

  const decodeSide = async (side: 0 | 1, file: MediaFile): Promise<number> => {
    const { limiter } = decoderSettings(file, { timeoutMs }, 'decodeLumaPairs', side === 0 ? 'asset video' : 'reference video');
    const clock = new FrameClock<Uint8Array>(nominalFrameRate(file), (luma, index, time) => {
      limiter?.frameTime(time);
      if (ended[1 - side] !== undefined && index >= ended[1 - side]!) return;
      queues[side].push({ index, time, width, height, luma });
      flow();
    });
    const frames = new FrameSplitter(width * height, (data, index) => {
      limiter?.frame(index);
      clock.addFrame(index, data);
    });
    const ptsLines = new PtsLineParser((_, pts) => clock.addPts(pts));
    const run = startTool('ffmpeg', lumaArgs(file, options.threads), {
      ...tools,
      what: `ffmpeg decoding the ${side === 0 ? 'asset' : 'reference'} luma`,
      timeoutMs,
      signal: controller.signal,
      pipes: { 1: (c) => frames.push(c), 4: (c) => ptsLines.push(c) },
    });
    runs[side] = run;
    if (paused[side]) run.pause(1);
    const result = await run.done;
    checkDecodeEnd(result, frames.count, `${side === 0 ? 'asset' : 'reference'} video`, 'frames');
    clock.finish();
    ended[side] = frames.count;
    flow();
    return frames.count;
  };

  try {
    // The first failure kills the other side and is the one reported, not the cancellation it caused. Both
    // sides are awaited, so no process is left running (or unreaped) when this rejects.
    let firstFailure: { error: unknown } | undefined;
    const sides = [decodeSide(0, asset), decodeSide(1, reference)].map((p) =>
      p.catch((error: unknown) => {
        firstFailure ??= { error };
        controller.abort(new Error('the other stream failed'));
        return 0;
      }),
    );
    const [assetFrames, referenceFrames] = await Promise.all(sides);
    if (firstFailure) throw firstFailure.error;
    return { pairs, assetFrames, referenceFrames, width, height };
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
    controller.abort();
  }
}
