import { AssayError, ErrorCode } from '@assay/contracts';
import { checkDecodeEnd, ffmpegVersion, startTool, stderrLines, type ToolOptions } from './ffmpeg-process.js';
import type { DecodedImage } from './image-decode.js';
import { decoderSettings } from './media-context.js';
import { decoderInputArgs, displaySize } from './media-policy.js';
import type { FrameSampling, GrayFrame, MediaFile, SampledFrame } from './media-types.js';
import { FrameClock, FrameSplitter, PtsLineParser, ptsTagFilters } from './raw-frames.js';
import { analysisSizeFor, lumaPixelFormat, lumaRangeOf, nominalFrameRate, sampleSizeFor, type LumaRange } from './video-frames.js';

export const DEFAULT_ANALYSIS_MAX_SIDE = 320;
/** sampled frames larger than this are scaled down (aspect kept) before they reach memory */
export const DEFAULT_SAMPLE_MAX_PIXELS = 1920 * 1080;

export interface VideoDecodeOptions extends ToolOptions {
  sampling?: FrameSampling;
  /** longer side of the analysis (luma) frames; default 320 */
  analysisMaxSide?: number;
  /** pixel bound of the sampled RGB frames; default 1920×1080 */
  sampleMaxPixels?: number;
  /** every analysis frame, in decode order; called synchronously, the frame owns its buffer */
  onFrame?: (frame: GrayFrame) => void;
  /** every sampled frame as it is decoded; when given, samples are not also kept in the result */
  onSample?: (frame: SampledFrame) => void;
  signal?: AbortSignal;
  /** default: the limit the file was opened with */
  timeoutMs?: number;
  /** decoder threads (ffmpeg `-threads`); default ffmpeg's choice */
  threads?: number;
}

export interface VideoDecodeResult {
  /** frames decoded (every one went through `onFrame`) */
  framesAnalysed: number;
  analysisSize: [number, number];
  /** sampled frames in decode order (empty when `onSample` was given) */
  samples: SampledFrame[];
  framesSampled: number;
  /** `none`, `all`, `uniform:<n>` or `fps:<k>`, for MediaDecodeInfo.sampling */
  sampling: string;
  /** range of the luma values: limited (16–235) or full (0–255) */
  lumaRange: LumaRange;
  /** the last frame's time plus one frame at the nominal rate: how long the decoded clip is */
  durationSeconds: number;
  /** `pts`: every frame time is its real presentation time; `frame-rate`: some came from index / frame rate */
  timesFrom: 'pts' | 'frame-rate';
  decoder: string;
  /** errors ffmpeg reported but decoded past (damaged frames), last lines; empty when the decode was clean */
  warnings: string[];
}

export function describeSampling(sampling: FrameSampling): string {
  switch (sampling.mode) {
    case 'uniform':
      return `uniform:${sampling.count}`;
    case 'fps':
      return `fps:${sampling.fps}`;
    default:
      return sampling.mode;
  }
}

/**
 * The `select` expression for a sampling mode, on real presentation times. Uniform: the clip is cut into
 * N equal spans and the first frame of each span is taken; fps: the same with spans of 1/K s. A span with
 * no frame (sparse or variable-rate video) is skipped rather than filled twice.
 */
export function selectExpression(sampling: FrameSampling, durationSeconds: number | undefined): string | undefined {
  const spanOf = (rate: number) => `floor((t-start_t)*${rate})`;
  const newSpan = (rate: number) => `(isnan(prev_selected_t)+gt(${spanOf(rate)},floor((prev_selected_t-start_t)*${rate})))`;
  switch (sampling.mode) {
    case 'none':
    case 'all':
      return undefined;
    case 'fps':
      if (!(sampling.fps > 0)) throw new RangeError(`fps sampling needs a positive rate, got ${sampling.fps}`);
      return newSpan(sampling.fps);
    case 'uniform': {
      const n = Math.floor(sampling.count);
      if (!(n > 0)) throw new RangeError(`uniform sampling needs a positive count, got ${sampling.count}`);
      // Without a duration the spans are unknown: the first N frames are taken.
      if (!durationSeconds || !(durationSeconds > 0)) return `lt(selected_n,${n})`;
      const rate = n / durationSeconds;
      return `lt(${spanOf(rate)},${n})*${newSpan(rate)}`;
    }
  }
}

/**
 * Decodes the first video stream in ONE ffmpeg process: every frame as luma scaled to the analysis size
 * (pipe 1, to `onFrame`), the sampled frames as RGB24 at native size (pipe 3), and every frame's pts from
 * the graph (pipe 4). Frames are never duplicated or dropped (`-fps_mode passthrough`); rotation from the
 * display matrix is applied. Zero frames → `empty_stream`; ffmpeg failing → `decode_error` with its stderr.
 * The frame-count and duration limits are held on the decoded frames (`too_many_frames`, `duration_too_long`),
 * whatever the header declared.
 */
export async function decodeVideo(file: MediaFile, options: VideoDecodeOptions = {}): Promise<VideoDecodeResult> {
  const { context, tools, timeoutMs, limiter } = decoderSettings(file, options, 'decodeVideo', 'video');
  const video = file.probe.video;
  if (!video) throw new AssayError(ErrorCode.NoVideoStream, `the ${file.probe.container} file has no video stream`);
  const sampling = options.sampling ?? { mode: 'none' };
  const [width, height] = displaySize(video);
  const analysisSize = analysisSizeFor(width, height, options.analysisMaxSide ?? DEFAULT_ANALYSIS_MAX_SIDE);
  const sampleMaxPixels = options.sampleMaxPixels ?? DEFAULT_SAMPLE_MAX_PIXELS;
  const [sampleWidth, sampleHeight] = sampleSizeFor(width, height, sampleMaxPixels);
  const decoder = await ffmpegVersion(tools.tools);
  const frameRate = nominalFrameRate(file);
  const lumaFormat = lumaPixelFormat(video.pixelFormat);
  const withSamples = sampling.mode !== 'none';
  const select = selectExpression(sampling, video.durationSeconds ?? file.probe.durationSeconds);

  // settb=AVTB: pts in microseconds on every branch, so sampled frames are matched to analysis frames by pts.
  // The scale before format= decouples the branches' format negotiation (a shared split would otherwise
  // force one format on both).
  const luma = `scale=${analysisSize[0]}:${analysisSize[1]}:flags=area,format=${lumaFormat},extractplanes=y,${ptsTagFilters('a')}`;
  const rgb = [
    select && `select='${select}'`,
    ptsTagFilters('s'),
    `scale=${sampleWidth}:${sampleHeight}:flags=bicubic+accurate_rnd+full_chroma_int`,
    'format=rgb24',
  ]
    .filter(Boolean)
    .join(',');
  const graph = withSamples
    ? `[0:${video.index}]settb=AVTB,split=2[a][s];[a]${luma}[ao];[s]${rgb}[so]`
    : `[0:${video.index}]settb=AVTB,${luma}[ao]`;
  const args = [
    ...decoderInputArgs(file.path, options.threads),
    '-filter_complex',
    graph,
    '-map',
    '[ao]',
    '-fps_mode',
    'passthrough',
    '-f',
    'rawvideo',
    'pipe:1',
    ...(withSamples ? ['-map', '[so]', '-fps_mode', 'passthrough', '-f', 'rawvideo', 'pipe:3'] : []),
  ];

  const hasAlpha = /^(yuva|rgba|bgra|argb|abgr|gbrap|ya|pal8)/.test(video.pixelFormat ?? '');
  const info = (w: number, h: number, index: number): DecodedImage['info'] => ({
    decoder,
    format: file.probe.container,
    bytes: file.bytes,
    width: w,
    height: h,
    sourceChannels: 3,
    sourceColourSpace: video.pixelFormat ?? 'unknown',
    sourceBitDepth: /(9|10|12|14|16)(le|be)?$/.test(video.pixelFormat ?? '') ? 'ushort' : 'uchar',
    hasAlpha,
    // RGB24 conversion drops alpha; the colour under transparent pixels is what the stream stores there
    alpha: hasAlpha ? 'discarded' : 'none',
    pages: video.frames ?? 0,
    scoredPage: index,
    autoOriented: Math.round((video.rotation ?? 0) / 90) % 4 !== 0,
    pixelLimit: sampleMaxPixels,
    byteLimit: context?.limits.maxBytes ?? file.bytes,
  });

  const samples: SampledFrame[] = [];
  let framesSampled = 0;
  const emitSample = (frame: SampledFrame) => {
    framesSampled++;
    if (options.onSample) options.onSample(frame);
    else samples.push(frame);
  };

  let lastTime = 0;
  const clock = new FrameClock<Uint8Array>(frameRate, (luma, index, time) => {
    limiter?.frameTime(time);
    lastTime = time;
    options.onFrame?.({ index, time, width: analysisSize[0], height: analysisSize[1], luma });
  });
  const lumaFrames = new FrameSplitter(analysisSize[0] * analysisSize[1], (data, index) => {
    limiter?.frame(index);
    clock.addFrame(index, data);
    matchSamples();
  });

  // Sampled frames carry no index: each is matched to the analysis frame with the same pts.
  const samplePts: number[] = [];
  const pendingSamples: { ordinal: number; rgb: Uint8Array }[] = [];
  let searchFrom = 0;
  const releaseSample = (rgbData: Uint8Array, index: number) => {
    searchFrom = index + 1;
    emitSample({
      index,
      time: clock.timeOf(index),
      image: { width: sampleWidth, height: sampleHeight, rgb: rgbData, info: info(sampleWidth, sampleHeight, index) },
    });
  };
  function matchSamples(final = false): void {
    while (pendingSamples.length) {
      const { ordinal, rgb: rgbData } = pendingSamples[0];
      const pts = samplePts[ordinal];
      let index = -1;
      if (sampling.mode === 'all') index = ordinal;
      else if (pts !== undefined && Number.isFinite(pts)) {
        for (let j = searchFrom; j < clock.pts.length; j++) {
          if (clock.pts[j] === pts) {
            index = j;
            break;
          }
        }
      }
      // the analysis frame (and its pts) must have been seen, so its time is known
      if (index >= 0 && index < clock.pts.length) {
        pendingSamples.shift();
        releaseSample(rgbData, index);
      } else if (final) {
        pendingSamples.shift();
        releaseSample(rgbData, index >= 0 ? index : searchFrom);
      } else return;
    }
  }
  const sampleFrames = new FrameSplitter(sampleWidth * sampleHeight * 3, (data, ordinal) => {
    pendingSamples.push({ ordinal, rgb: data });
    matchSamples();
  });
  const ptsLines = new PtsLineParser((tag, pts) => {
    if (tag === 'a') clock.addPts(pts);
    else samplePts.push(pts);
    matchSamples();
  });

  const pipes: Record<number, (chunk: Buffer) => void> = {
    1: (c) => lumaFrames.push(c),
    4: (c) => ptsLines.push(c),
  };
  if (withSamples) pipes[3] = (c) => sampleFrames.push(c);
  const run = startTool('ffmpeg', args, { ...tools, what: 'ffmpeg decoding the video', timeoutMs, signal: options.signal, pipes });
  const result = await run.done;
  checkDecodeEnd(result, lumaFrames.count, `${video.codec} video`, 'frames');
  clock.finish();
  matchSamples(true);
  return {
    framesAnalysed: lumaFrames.count,
    analysisSize,
    samples,
    framesSampled,
    sampling: describeSampling(sampling),
    durationSeconds: lastTime + 1 / frameRate,
    lumaRange: lumaRangeOf(file, context),
    timesFrom: clock.fallbacks === 0 ? 'pts' : 'frame-rate',
    decoder,
    warnings: stderrLines(result.stderrTail),
  };
}
