import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssayError, ErrorCode } from '@assay/contracts';
import {
  decodeVideo,
  openMedia,
  type FrameSampling,
  type GrayFrame,
  type MediaFile,
  type MediaLimits,
  type SampledFrame,
  type ToolOptions,
} from '@assay/media';
import {
  blockedCopy,
  childProcesses,
  childRunning,
  damagedMp4,
  derive,
  expectReaped,
  ffmpeg,
  ffmpegOut,
  ffprobeJson,
  FRONT_CENTER_WAV,
  hangingTool,
  LIMITS,
  makeVideoClips,
  mediaTempDirs,
  MEGAMIND,
  ownDir,
  processState,
  read,
  rejectionOf,
  toolChildren,
  TREE,
  type VideoClips,
  VTEST,
} from './media-fixtures.js';

let clips: VideoClips;
let parent: ReturnType<typeof ownDir>;
beforeAll(() => {
  clips = makeVideoClips();
  parent = ownDir('assay-test-media-video-');
});
afterAll(() => {
  clips?.cleanup();
  parent?.remove();
});

const openVideo = (path: string, limits: MediaLimits = LIMITS, tools: ToolOptions = {}) =>
  openMedia(read(path), 'video', limits, { tmpDir: parent.path, ...tools });

async function opened<T>(path: string, fn: (f: MediaFile) => Promise<T>, limits: MediaLimits = LIMITS, spawned?: string[][]): Promise<T> {
  const file = await openVideo(path, limits, { onSpawn: (tool, args) => spawned?.push([tool, ...args]) });
  try {
    return await fn(file);
  } finally {
    await file.close();
  }
}

async function decodeAll(
  path: string,
  sampling?: FrameSampling,
): Promise<{ frames: GrayFrame[]; result: Awaited<ReturnType<typeof decodeVideo>> }> {
  const frames: GrayFrame[] = [];
  const result = await opened(path, (f) => decodeVideo(f, { sampling, onFrame: (fr) => frames.push(fr) }));
  return { frames, result };
}

/** Frames of `width × height` bytes from the ffmpeg CLI, every decoded frame once (`-fps_mode passthrough`). */
function cliFrames(path: string, vf: string, pixFmt: string, frameBytes: number): Buffer[] {
  const raw = ffmpegOut('-i', path, '-vf', vf, '-fps_mode', 'passthrough', '-pix_fmt', pixFmt, '-f', 'rawvideo', '-');
  expect(raw.length % frameBytes).toBe(0);
  return Array.from({ length: raw.length / frameBytes }, (_, i) => raw.subarray(i * frameBytes, (i + 1) * frameBytes));
}

const countFrames = (path: string) =>
  Number(ffprobeJson('-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', path).streams[0].nb_read_frames);

/** Presentation times of the decoded frames per ffprobe, relative to the first. */
function ffprobeTimes(path: string): number[] {
  const frames = ffprobeJson('-select_streams', 'v:0', '-show_entries', 'frame=best_effort_timestamp_time', path).frames as {
    best_effort_timestamp_time: string;
  }[];
  const times = frames.map((f) => Number(f.best_effort_timestamp_time));
  return times.map((t) => t - times[0]);
}

const fps25 = (indices: number[]) => indices.map((i) => Math.round(i * 40) / 1000);

describe('decodeVideo: analysis frames', () => {
  it.each([
    ['vtest.avi', () => VTEST, 795, [320, 240]],
    ['Megamind.avi', () => MEGAMIND, 270, [320, 234]],
    ['tree.avi', () => TREE, 68, [320, 240]],
    ['the H.264 MP4', () => clips.fruitsMp4, 100, [320, 300]],
    ['the VP8 WebM', () => clips.webm, 50, [320, 300]],
  ])('%s: every frame, as many as ffprobe -count_frames reads, at their real times', async (_, path, count, size) => {
    const { frames, result } = await decodeAll(path());
    expect(result.framesAnalysed).toBe(count);
    expect(countFrames(path())).toBe(count);
    expect(frames.map((f) => f.index)).toEqual(frames.map((_, i) => i));
    expect(result.analysisSize).toEqual(size);
    const [w, h] = size;
    expect(frames.every((f) => f.width === w && f.height === h && f.luma.length === w * h)).toBe(true);
    // every frame owns its buffer
    expect(new Set(frames.map((f) => f.luma.buffer)).size).toBe(count);
    const times = ffprobeTimes(path());
    expect(times).toHaveLength(count);
    // Megamind.avi (packed B-frames) ends on a frame ffprobe gives no time; ffmpeg extrapolates one
    frames.forEach((f, i) => {
      if (Number.isFinite(times[i])) expect(f.time).toBeCloseTo(times[i], 6);
      if (i > 0) expect(f.time).toBeGreaterThan(frames[i - 1].time);
    });
    expect(times.filter((t) => !Number.isFinite(t)).length).toBeLessThanOrEqual(1);
    expect(result.timesFrom).toBe('pts');
    expect(result.sampling).toBe('none');
    expect(result.samples).toEqual([]);
    expect(result.decoder).toMatch(/^ffmpeg \d+\.\d+/);
  });

  it("scaled luma is ffmpeg's own area-scaled Y plane, byte for byte (480×450 → 320×300)", async () => {
    const { frames, result } = await decodeAll(clips.fruitsMp4);
    expect(result.analysisSize).toEqual([320, 300]);
    expect(result.lumaRange).toBe('limited');
    const n = 320 * 300;
    const planes = cliFrames(clips.fruitsMp4, 'scale=320:300:flags=area,format=yuv420p,extractplanes=y', 'gray', n);
    const grayTv = cliFrames(clips.fruitsMp4, 'scale=320:300:flags=area:out_range=tv,format=gray', 'gray', n);
    const grayFull = cliFrames(clips.fruitsMp4, 'scale=320:300:flags=area,format=gray', 'gray', n);
    expect(planes).toHaveLength(100);
    let worst = 0;
    frames.forEach((f, i) => {
      expect(Buffer.from(f.luma).equals(planes[i])).toBe(true);
      expect(Buffer.from(f.luma).equals(grayTv[i])).toBe(true);
      // full-range gray is the same Y stretched from 16–235 to 0–255, within one level of rounding
      for (let p = 0; p < n; p++)
        worst = Math.max(worst, Math.abs(Math.min(255, Math.max(0, Math.round(((f.luma[p] - 16) * 255) / 219))) - grayFull[i][p]));
    });
    expect(worst).toBe(1);
  });

  it('without scaling, the luma is the exact Y of the stream (no range conversion)', async () => {
    const { frames, result } = await decodeAll(clips.smallMp4);
    expect(result.analysisSize).toEqual([320, 300]);
    const planes = cliFrames(clips.smallMp4, 'extractplanes=y', 'gray', 320 * 300);
    expect(frames).toHaveLength(planes.length);
    frames.forEach((f, i) => expect(Buffer.from(f.luma).equals(planes[i])).toBe(true));
    const max = Math.max(...frames.map((f) => f.luma.reduce((m, v) => Math.max(m, v), 0)));
    expect(max).toBeLessThanOrEqual(235);
  });

  it('an RGB source (tree.avi, Cinepak) gets its Y from swscale’s conversion to limited-range yuv420p', async () => {
    const { frames, result } = await decodeAll(TREE);
    expect(result.lumaRange).toBe('limited');
    const planes = cliFrames(TREE, 'scale=320:240:flags=area,format=yuv420p,extractplanes=y', 'gray', 320 * 240);
    frames.forEach((f, i) => expect(Buffer.from(f.luma).equals(planes[i])).toBe(true));
    // tree.avi's 68 frames are spread over 29.5 s; index / declared rate would say 67 / 15 = 4.47 s
    expect(frames.at(-1)!.time).toBeCloseTo(29.533, 3);
  });

  it('applies the display matrix like the ffmpeg CLI: rotate=90 turns 320×300 counter-clockwise into 300×320', async () => {
    const rotated = join(clips.dir, 'rotated-small.mp4');
    ffmpeg('-i', clips.smallMp4, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', rotated);
    const { frames, result } = await decodeAll(rotated, { mode: 'uniform', count: 2 });
    expect(result.analysisSize).toEqual([300, 320]);
    expect(result.samples.map((s) => [s.image.width, s.image.height, s.image.info.autoOriented])).toEqual([
      [300, 320, true],
      [300, 320, true],
    ]);
    // the CLI's autorotated frames, byte for byte
    const planes = cliFrames(rotated, 'extractplanes=y', 'gray', 300 * 320);
    expect(frames).toHaveLength(planes.length);
    frames.forEach((f, i) => expect(Buffer.from(f.luma).equals(planes[i])).toBe(true));
    const rgb = cliFrames(rotated, 'scale=300:320:flags=bicubic+accurate_rnd+full_chroma_int', 'rgb24', 300 * 320 * 3);
    for (const s of result.samples) expect(Buffer.from(s.image.rgb).equals(rgb[s.index])).toBe(true);
    // counter-clockwise: output (x, y) is source (W-1-y, x)
    const source = cliFrames(clips.smallMp4, 'extractplanes=y', 'gray', 320 * 300)[0];
    for (const [x, y] of [
      [0, 0],
      [17, 5],
      [299, 319],
      [150, 200],
    ])
      expect(frames[0].luma[y * 300 + x]).toBe(source[x * 320 + (319 - y)]);
  });
});

describe('decodeVideo: sampling', () => {
  /** The CLI's RGB24 of frame `n` with the same swscale flags; the CLI's default flags differ by up to 17 levels. */
  const cliRgb = (path: string, n: number, w: number, h: number) =>
    ffmpegOut(
      '-i',
      path,
      '-vf',
      `select=eq(n\\,${n})`,
      '-sws_flags',
      'bicubic+accurate_rnd+full_chroma_int',
      '-s',
      `${w}x${h}`,
      '-pix_fmt',
      'rgb24',
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-',
    );

  it('uniform:8 takes the first frame of each eighth of the 4 s clip; RGB equals the CLI frame', async () => {
    const { result } = await decodeAll(clips.fruitsMp4, { mode: 'uniform', count: 8 });
    expect(result.framesAnalysed).toBe(100);
    expect(result.framesSampled).toBe(8);
    expect(result.sampling).toBe('uniform:8');
    const indices = [0, 13, 25, 38, 50, 63, 75, 88];
    expect(result.samples.map((s) => s.index)).toEqual(indices);
    expect(result.samples.map((s) => s.time)).toEqual(fps25(indices));
    for (const s of result.samples) {
      expect(s.image).toMatchObject({ width: 480, height: 450 });
      expect(s.image.rgb.length).toBe(480 * 450 * 3);
      expect(s.image.info).toMatchObject({
        format: 'mov,mp4,m4a,3gp,3g2,mj2',
        width: 480,
        height: 450,
        sourceColourSpace: 'yuv420p',
        scoredPage: s.index,
        pages: 100,
        hasAlpha: false,
        autoOriented: false,
      });
      expect(Buffer.from(s.image.rgb).equals(cliRgb(clips.fruitsMp4, s.index, 480, 450))).toBe(true);
    }
  });

  it('fps:2 takes the first frame at or after every half second (25 fps has no frame at 0.5 s)', async () => {
    const { result } = await decodeAll(clips.fruitsMp4, { mode: 'fps', fps: 2 });
    const indices = [0, 13, 25, 38, 50, 63, 75, 88];
    expect(result.samples.map((s) => s.index)).toEqual(indices);
    expect(result.samples.map((s) => s.time)).toEqual(fps25(indices));
    expect(result.sampling).toBe('fps:2');
    expect(Buffer.from(result.samples[3].image.rgb).equals(cliRgb(clips.fruitsMp4, 38, 480, 450))).toBe(true);
  });

  it('never duplicates a frame: fps:50 of 25 fps video and uniform:500 of 100 frames give each frame once', async () => {
    const every = Array.from({ length: 100 }, (_, i) => i);
    const fast = await decodeAll(clips.smallMp4, { mode: 'fps', fps: 50 });
    expect(fast.result.samples.map((s) => s.index)).toEqual(every);
    const many = await decodeAll(clips.smallMp4, { mode: 'uniform', count: 500 });
    expect(many.result.samples.map((s) => s.index)).toEqual(every);
  });

  it('uniform sampling of sparse video follows time, not frame numbers (tree.avi)', async () => {
    const { frames, result } = await decodeAll(TREE, { mode: 'uniform', count: 5 });
    const span = 29.600148 / 5;
    expect(result.samples).toHaveLength(5);
    result.samples.forEach((s, i) => {
      expect(s.time).toBe(frames[s.index].time);
      expect(s.time).toBeGreaterThanOrEqual(i * span);
      expect(s.time).toBeLessThan((i + 1) * span);
      // the first frame of its span
      expect(s.index === 0 || frames[s.index - 1].time < i * span).toBe(true);
    });
  });

  it('all: every frame in colour, in order, at its time, equal to the CLI; onSample streams them instead of keeping them', async () => {
    const streamed: SampledFrame[] = [];
    const result = await opened(clips.smallMp4, (f) => decodeVideo(f, { sampling: { mode: 'all' }, onSample: (s) => streamed.push(s) }));
    expect(result.framesSampled).toBe(100);
    expect(result.samples).toEqual([]);
    expect(streamed.map((s) => s.index)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(streamed.map((s) => s.time)).toEqual(fps25(streamed.map((s) => s.index)));
    const rgb = cliFrames(clips.smallMp4, 'scale=320:300:flags=bicubic+accurate_rnd+full_chroma_int', 'rgb24', 320 * 300 * 3);
    streamed.forEach((s, i) => expect(Buffer.from(s.image.rgb).equals(rgb[i])).toBe(true));
  });

  it('scales sampled frames down to the pixel bound, keeping the aspect', async () => {
    const result = await opened(VTEST, (f) => decodeVideo(f, { sampling: { mode: 'uniform', count: 2 }, sampleMaxPixels: 384 * 288 }));
    expect(result.samples.map((s) => [s.index, s.image.width, s.image.height, s.image.rgb.length])).toEqual([
      [0, 384, 288, 384 * 288 * 3],
      [398, 384, 288, 384 * 288 * 3],
    ]);
    expect(result.samples[0].image.info.pixelLimit).toBe(384 * 288);
  });

  it('refuses a sampling that cannot take any frame', async () => {
    await expect(opened(clips.smallMp4, (f) => decodeVideo(f, { sampling: { mode: 'uniform', count: 0 } }))).rejects.toThrow(RangeError);
    await expect(opened(clips.smallMp4, (f) => decodeVideo(f, { sampling: { mode: 'fps', fps: 0 } }))).rejects.toThrow(RangeError);
  });

  it('runs one ffmpeg process for the luma and the samples', async () => {
    const spawned: string[][] = [];
    await opened(clips.fruitsMp4, (f) => decodeVideo(f, { sampling: { mode: 'uniform', count: 3 } }), LIMITS, spawned);
    const decoders = spawned.filter(([tool]) => tool === 'ffmpeg');
    expect(decoders).toHaveLength(1);
    expect(decoders[0]).toEqual(expect.arrayContaining(['pipe:1', 'pipe:3', '-fps_mode', 'passthrough', '-protocol_whitelist', 'file']));
  });
});

describe('decodeVideo: bad streams', () => {
  it('a video stream without frames → empty_stream', async () => {
    const empty = join(clips.dir, 'empty.avi');
    ffmpeg('-i', clips.smallMp4, '-vf', 'trim=start_frame=1000', '-c:v', 'mpeg4', empty);
    expect(ffprobeTimes(empty)).toEqual([]);
    const err = await rejectionOf(
      opened(empty, (f) => {
        expect(f.probe.video).toMatchObject({ codec: 'mpeg4', width: 320, height: 300 });
        return decodeVideo(f);
      }),
    );
    expect(err).toMatchObject({ code: ErrorCode.EmptyStream, message: 'the mpeg4 video stream has no decodable frames' });
  });

  it('damaged media data → decode_error with ffmpeg’s message', async () => {
    const err = await rejectionOf(opened(damagedMp4(clips.dir, clips.fruitsMp4, 1), (f) => decodeVideo(f)));
    expect(err).toMatchObject({ code: ErrorCode.DecodeError });
    expect(err.message).toMatch(/^ffmpeg could not decode the h264 video \(exit \d+\): .*h264/);
  });

  it('an MP4 whose media data is cut short → container_unreadable (found while decoding)', async () => {
    const faststart = join(clips.dir, 'faststart-cut.mp4');
    ffmpeg('-i', clips.fruitsMp4, '-c', 'copy', '-movflags', '+faststart', faststart);
    const bytes = readFileSync(faststart);
    const err = await rejectionOf(opened(derive(clips.dir, 'cut.mp4', bytes.subarray(0, bytes.length >> 1)), (f) => decodeVideo(f)));
    expect(err).toMatchObject({ code: ErrorCode.ContainerUnreadable });
    expect(err.message).toMatch(/^the container is truncated: .*partial file/);
  });

  it('a file without a video stream → no_video_stream, nothing spawned', async () => {
    const spawned: string[][] = [];
    const file = await openMedia(read(FRONT_CENTER_WAV), 'audio', LIMITS, { tmpDir: parent.path, onSpawn: (tool) => spawned.push([tool]) });
    const before = spawned.length;
    const err = await rejectionOf(decodeVideo(file));
    await file.close();
    expect(err).toMatchObject({ code: ErrorCode.NoVideoStream });
    expect(spawned.length).toBe(before);
  });
});

describe('decodeVideo: timeout and cancellation', () => {
  let own: ReturnType<typeof ownDir>;
  beforeAll(() => {
    own = ownDir('assay-test-media-kill-');
  });
  afterAll(() => own?.remove());

  /**
   * A file whose path is a FIFO nobody writes to: the real ffmpeg blocks in open() (as on a stalled mount)
   * and only SIGKILL ends it (its SIGTERM handler restarts the call). The probe is that of a real clip.
   */
  async function blockedFile(name: string): Promise<{ file: MediaFile; real: MediaFile }> {
    const real = await openVideo(clips.smallMp4);
    return { file: blockedCopy(real, own.path, name), real };
  }

  it('an ffmpeg that blocks is killed at the time limit → decode_timeout; it is reaped; close() removes the temp dir', async () => {
    const { file, real } = await blockedFile('blocked-timeout');
    const started = performance.now();
    const pending = rejectionOf(decodeVideo(file, { timeoutMs: 1000 }));
    const pid = await childRunning(file.path);
    const err = await pending;
    expect(err).toMatchObject({
      code: ErrorCode.DecodeTimeout,
      message: 'ffmpeg decoding the video ran over the 1000 ms limit and was killed',
    });
    expect(performance.now() - started).toBeLessThan(5000);
    expectReaped(pid);
    expect(childProcesses()).toEqual([]);
    await real.close();
    expect(mediaTempDirs(parent.path)).toEqual([]);
  });

  it('the limit and tools the file was opened with apply when the call gives none', async () => {
    const tool = hangingTool(own.path, 'ffmpeg');
    const file = await openVideo(clips.smallMp4, { ...LIMITS, timeoutMs: 1000 }, { tools: { ffmpeg: tool.path } });
    const err = await rejectionOf(decodeVideo(file));
    await file.close();
    expect(err).toMatchObject({
      code: ErrorCode.DecodeTimeout,
      message: 'ffmpeg decoding the video ran over the 1000 ms limit and was killed',
    });
    const [script, sleeper] = tool.pids();
    expectReaped(script);
    expect([undefined, 'Z']).toContain(processState(sleeper));
    expect(mediaTempDirs(parent.path)).toEqual([]);
  });

  it('an abort stops ffmpeg mid-decode → AbortError; the process is reaped', async () => {
    const controller = new AbortController();
    let seen = 0;
    let pids: number[] = [];
    const err = await rejectionOf(
      opened(VTEST, (f) =>
        decodeVideo(f, {
          signal: controller.signal,
          onFrame: () => {
            if (++seen !== 5) return;
            pids = toolChildren();
            controller.abort(new Error('job removed'));
          },
        }),
      ),
    );
    expect(err).toMatchObject({ name: 'AbortError', message: 'ffmpeg decoding the video was cancelled: job removed' });
    expect(err).not.toBeInstanceOf(AssayError);
    expect(seen).toBeLessThan(795);
    expect(pids).toHaveLength(1);
    expectReaped(pids[0]);
    expect(mediaTempDirs(parent.path)).toEqual([]);
  });

  it('an abort while ffmpeg blocks kills it at once', async () => {
    const { file, real } = await blockedFile('blocked-abort');
    const controller = new AbortController();
    const pending = rejectionOf(decodeVideo(file, { signal: controller.signal, timeoutMs: 60_000 }));
    const pid = await childRunning(file.path);
    const aborted = performance.now();
    controller.abort();
    const err = await pending;
    expect(performance.now() - aborted).toBeLessThan(1000);
    expect(err).toMatchObject({ name: 'AbortError' });
    expectReaped(pid);
    await real.close();
  });

  it('an already aborted signal starts nothing', async () => {
    const spawned: string[][] = [];
    const err = await rejectionOf(opened(clips.fruitsMp4, (f) => decodeVideo(f, { signal: AbortSignal.abort() }), LIMITS, spawned));
    expect(err).toMatchObject({ name: 'AbortError' });
    expect(spawned.filter(([tool]) => tool === 'ffmpeg')).toEqual([]);
  });

  it('a callback that throws stops ffmpeg and surfaces its error', async () => {
    let pids: number[] = [];
    const err = await rejectionOf(
      opened(VTEST, (f) =>
        decodeVideo(f, {
          onFrame: (fr) => {
            if (fr.index !== 3) return;
            pids = toolChildren();
            throw new Error('metric failed');
          },
        }),
      ),
    );
    expect(err.message).toBe('metric failed');
    expect(pids).toHaveLength(1);
    expectReaped(pids[0]);
  });
});
