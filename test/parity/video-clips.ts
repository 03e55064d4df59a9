/**
 * Video test material and direct ffmpeg plumbing for the video metric tests: short clips built at test time
 * from the real photographs and videos of Debian's opencv-doc (`/usr/share/doc/opencv-doc/examples/data`),
 * luma frames read straight from ffmpeg with the worker's filter chain (scaled with `area` to the analysis
 * size, Y plane as coded), and the logs of ffmpeg's own filters for comparison. The probe is @assay/media's,
 * as on the worker. ffmpeg is /usr/bin/ffmpeg (Debian bookworm: 5.1), or FFMPEG.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { MediaProbe } from '@assay/contracts';
import { analysisSizeFor, ffprobe, lumaPixelFormat, toMediaProbe, type GrayFrame, type SampledFrame } from '@assay/media';
import { FrameAnalyzer, ReferenceComparator, type FrameAnalyzerOptions, type FrameSeries, type ReferenceSeries } from '@assay/scoring';

export const FFMPEG = process.env.FFMPEG ?? '/usr/bin/ffmpeg';
export const FFPROBE = process.env.FFPROBE ?? '/usr/bin/ffprobe';
export const OPENCV_DATA = '/usr/share/doc/opencv-doc/examples/data';
export const opencvFile = (name: string) => join(OPENCV_DATA, name);

const run = promisify(execFile);

/** Runs ffmpeg; resolves with its log (stderr). */
export async function ffmpeg(args: string[]): Promise<string> {
  try {
    const { stderr } = await run(FFMPEG, ['-hide_banner', '-nostdin', '-y', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return stderr;
  } catch (err) {
    throw new Error(`ffmpeg ${args.join(' ')} failed:\n${(err as { stderr?: string }).stderr ?? String(err)}`);
  }
}

/** The worker's probe of a file. */
export async function probeFile(file: string): Promise<MediaProbe> {
  const raw = await ffprobe(file, { timeoutMs: 30_000, tools: { ffmpeg: FFMPEG, ffprobe: FFPROBE } });
  return toMediaProbe(raw, readFileSync(file).byteLength);
}

export interface LumaOptions {
  /** analysis size as the worker takes it (`analysisMaxSide`); unset: full resolution, no scaling */
  maxSide?: number;
  /** decode only the first seconds (input option -t) */
  seconds?: number;
}

/** The Y plane as the worker's decoder extracts it (8-bit planar YUV as coded, anything else via yuv420p). */
async function lumaChain(file: string, o: LumaOptions): Promise<{ filters: string[]; width: number; height: number }> {
  const video = (await probeFile(file)).video;
  if (!video) throw new Error(`${file} has no video stream`);
  const [width, height] = o.maxSide ? analysisSizeFor(video.width, video.height, o.maxSide) : [video.width, video.height];
  const scale = o.maxSide ? [`scale=${width}:${height}:flags=area`] : [];
  return { filters: [...scale, `format=${lumaPixelFormat(video.pixelFormat)}`, 'extractplanes=y'], width, height };
}

const inputOf = (file: string, o: LumaOptions) => [...(o.seconds ? ['-t', String(o.seconds)] : []), '-i', file];

/**
 * Reads a video's raw frames from ffmpeg's stdout (`filters` must end in a raw format of `frameBytes` per
 * frame) with each frame's presentation time (as ffmpeg's filters log it, `showinfo`). Frames are buffered
 * until ffmpeg exits, since the times arrive on stderr.
 */
async function readFrames(
  file: string,
  filters: string[],
  frameBytes: number,
  o: LumaOptions,
): Promise<{ time: number; data: Uint8Array }[]> {
  const args = [
    '-hide_banner',
    '-nostdin',
    ...inputOf(file, o),
    '-vf',
    ['showinfo', ...filters].join(','),
    '-fps_mode',
    'passthrough',
    '-f',
    'rawvideo',
    '-',
  ];
  const child = spawn(FFMPEG, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const times: number[] = [];
  let log = '';
  let pending = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const m = /\] n:\s*(\d+) pts:\s*-?\d+\s+pts_time:(-?[\d.e+-]+)/.exec(line);
      if (m) times[Number(m[1])] = Number(m[2]);
      else if (log.length < 20_000) log += line + '\n';
    }
  });
  const frames: Uint8Array[] = [];
  let buf: Buffer = Buffer.alloc(0);
  child.stdout.on('data', (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= frameBytes) {
      frames.push(new Uint8Array(buf.subarray(0, frameBytes)));
      buf = buf.subarray(frameBytes);
    }
  });
  const code: number = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`ffmpeg ${args.join(' ')} exited ${code}:\n${log}`);
  if (times.length !== frames.length) throw new Error(`${file}: ${frames.length} frames but ${times.length} times`);
  return frames.map((data, i) => ({ time: times[i], data }));
}

/** Every frame's luma in decode order, times as ffmpeg's filters see them. */
export async function readLuma(file: string, o: LumaOptions = {}): Promise<GrayFrame[]> {
  const { filters, width, height } = await lumaChain(file, o);
  const frames = await readFrames(file, filters, width * height, o);
  return frames.map(({ time, data }, index) => ({ index, time, width, height, luma: data }));
}

/** The analyzer's series of a file (luma at `maxSide` as on the worker; full resolution when unset). */
export async function analyze(file: string, o: LumaOptions & FrameAnalyzerOptions = {}): Promise<FrameSeries> {
  const analyzer = new FrameAnalyzer(o);
  for (const frame of await readLuma(file, o)) analyzer.update(frame);
  return analyzer.series();
}

/** Full-resolution Y comparison of two files, pairs in decode order (as the worker's decodeLumaPairs). */
export async function compareFiles(asset: string, reference: string): Promise<ReferenceSeries> {
  const [a, b] = await Promise.all([readLuma(asset), readLuma(reference)]);
  const cmp = new ReferenceComparator();
  for (let i = 0; i < Math.min(a.length, b.length); i++) cmp.onPair(a[i], b[i]);
  return cmp.series({ assetFrames: a.length, referenceFrames: b.length });
}

/** Every `every`-th frame in RGB at native size, as the worker's sampled frames. */
export async function readSamples(file: string, every: number): Promise<SampledFrame[]> {
  const video = (await probeFile(file)).video!;
  const { width, height } = video;
  const frames = await readFrames(file, ['format=rgb24'], width * height * 3, {});
  const samples: SampledFrame[] = [];
  frames.forEach(({ time, data }, index) => {
    if (index % every) return;
    const info = {
      decoder: 'ffmpeg',
      format: 'rawvideo',
      bytes: data.byteLength,
      width,
      height,
      sourceChannels: 3,
      sourceColourSpace: video.pixelFormat ?? 'unknown',
      sourceBitDepth: 'uchar',
      hasAlpha: false,
      alpha: 'none',
      pages: frames.length,
      scoredPage: index,
      autoOriented: false,
      pixelLimit: width * height,
      byteLimit: data.byteLength,
    };
    samples.push({ index, time, image: { width, height, rgb: data, info } });
  });
  return samples;
}

// ---------------------------------------------------------------- clips

/** H.264 crf 16 yuv420p at 25 fps: near-lossless, so a clip is what its filter graph drew. */
const X264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '16', '-pix_fmt', 'yuv420p', '-r', '25'];
const FPS = 25;

/**
 * A smooth pan over a photograph at `speed` px/s of the 320×240 output, right and speed/3 down: the photo is
 * upscaled 4× once, cropped at integer offsets there (quarter-pixel steps of the output) and scaled back, so
 * slow pans move a little every frame rather than 1 px every few frames.
 */
const panFilter = (speed: number) => `crop=1280:960:x='t*${4 * speed}':y='240+t*${(4 * speed) / 3}',scale=320:240:flags=area`;
const still = (image: string, seconds: number) => ['-loop', '1', '-framerate', String(FPS), '-t', String(seconds), '-i', image];
/** a slowly panning 320×240 window over a photo of at least 320 + 12·seconds px wide */
const drift = (input: number, x0: number, y0: number, label: string) =>
  `[${input}:v]crop=320:240:x='${x0}+t*12':y=${y0},setsar=1[${label}]`;

/** The synthetic clips, by name (320×240, 25 fps, H.264 yuv420p unless said). */
export interface ClipSpecs {
  /** three photographs, 1.2 s each, slowly panned: hard cuts at frames 30 and 60 */
  cuts: string;
  /** a 1.5 s pan, faded to black over the next second, then black for 2 s (4.5 s) */
  fade: string;
  /** black 1 s, photo 3 s, black 2.5 s, photo 2 s (panning photos) */
  black: string;
  /** pan 1 s, its last frame held 3 s, then a pan elsewhere for 1.5 s */
  frozen: string;
  /** the 5 px/s pan with its brightness alternating ±0.03 (eq) from frame to frame, 3 s */
  flicker: string;
  /** the 5 px/s pan (3 s) with a 2 s AAC sine track */
  withAudio: string;
  /** the first frame of the 5 px/s pan alone */
  single: string;
  /** the 5 px/s pan scaled to 160×120 (a reference of another size) */
  small: string;
  /** 3 s of black */
  allBlack: string;
}

export interface Clips {
  dir: string;
  /** pan over fruits.jpg at `speed` px/s, 3 s (speed 0: a static shot of a photo) */
  pan(speed: number): Promise<string>;
  /** a clip, built on first use */
  get(name: keyof ClipSpecs): Promise<string>;
  cleanup(): void;
}

/** Clips in a temporary folder, each built once, on first use (well under a second each). */
export function makeClips(): Clips {
  const dir = mkdtempSync(join(tmpdir(), 'assay-video-'));
  const out = (name: string) => join(dir, name);
  // BMP: the looped still is decoded again for every frame, and PNG decoding would dominate the build time
  let upscaled: Promise<string> | undefined;
  const still4x = () =>
    (upscaled ??= ffmpeg(['-i', opencvFile('fruits.jpg'), '-vf', 'scale=iw*4:ih*4:flags=bicubic', out('fruits4x.bmp')]).then(() =>
      out('fruits4x.bmp'),
    ));
  const built = new Map<string, Promise<string>>();
  const once = (name: string, build: (file: string) => Promise<unknown>) => {
    let p = built.get(name);
    if (!p) {
      const file = out(`${name}.mp4`);
      p = build(file).then(() => file);
      built.set(name, p);
    }
    return p;
  };
  const pan = (speed: number) =>
    once(`pan-${speed}`, async (file) => ffmpeg([...still(await still4x(), 3), '-vf', panFilter(speed), ...X264, file]));
  const blackInput = (seconds: number) => ['-f', 'lavfi', '-i', `color=black:s=320x240:r=${FPS}:d=${seconds}`];
  const recipes: Record<keyof ClipSpecs, (file: string) => Promise<unknown>> = {
    cuts: (file) =>
      ffmpeg([
        ...still(opencvFile('home.jpg'), 1.2),
        ...still(opencvFile('baboon.jpg'), 1.2),
        ...still(opencvFile('messi5.jpg'), 1.2),
        '-filter_complex',
        `${drift(0, 20, 60, 'a')};${drift(1, 100, 100, 'b')};${drift(2, 80, 50, 'c')};[a][b][c]concat=n=3:v=1:a=0`,
        ...X264,
        file,
      ]),
    fade: async (file) => ffmpeg([...still(await still4x(), 4.5), '-vf', `${panFilter(10)},fade=t=out:st=1.5:d=1`, ...X264, file]),
    black: (file) =>
      ffmpeg([
        ...blackInput(1),
        ...still(opencvFile('home.jpg'), 3),
        ...blackInput(2.5),
        ...still(opencvFile('messi5.jpg'), 2),
        '-filter_complex',
        `${drift(1, 0, 80, 'a')};${drift(3, 100, 50, 'b')};[0:v]setsar=1[k0];[2:v]setsar=1[k1];[k0][a][k1][b]concat=n=4:v=1:a=0`,
        ...X264,
        file,
      ]),
    frozen: (file) =>
      ffmpeg([
        ...still(opencvFile('fruits.jpg'), 1),
        ...still(opencvFile('fruits.jpg'), 1.5),
        '-filter_complex',
        `${drift(0, 0, 60, 'a0')};[a0]tpad=stop_mode=clone:stop_duration=3[a];${drift(1, 60, 100, 'b')};[a][b]concat=n=2:v=1:a=0`,
        ...X264,
        file,
      ]),
    flicker: async (file) => ffmpeg(['-i', await pan(5), '-vf', "eq=brightness='if(mod(n,2),0.03,-0.03)':eval=frame", ...X264, file]),
    withAudio: async (file) =>
      ffmpeg([
        '-i',
        await pan(5),
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=440:duration=2',
        '-map',
        '0:v',
        '-map',
        '1:a',
        '-c:v',
        'copy',
        '-c:a',
        'aac',
        file,
      ]),
    single: async (file) => ffmpeg(['-i', await pan(5), '-frames:v', '1', '-c:v', 'copy', file]),
    small: async (file) => ffmpeg(['-i', await pan(5), '-vf', 'scale=160:120:flags=area', ...X264, file]),
    allBlack: (file) => ffmpeg([...blackInput(3), ...X264, file]),
  };
  return { dir, pan, get: (name) => once(name, recipes[name]), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// ---------------------------------------------------------------- ffmpeg's own filters

export interface FilterInterval {
  start: number;
  /** undefined: still going when the stream ended (freezedetect logs no end) */
  end?: number;
}

export interface FfmpegDetections {
  black: FilterInterval[];
  freeze: FilterInterval[];
  /** presentation times of the frames scdet flags */
  cuts: number[];
  /** scdet's score of every frame (3 decimals) */
  scdetScores: number[];
}

export interface DetectOptions extends LumaOptions {
  /** run the filters on the Y plane alone, as the analyzer sees it (else ffmpeg's default: every plane) */
  lumaOnly?: boolean;
  /** filter options, e.g. `d=0.5` */
  black?: string;
  freeze?: string;
  scdet?: string;
}

/** Runs blackdetect, freezedetect and scdet on a file at full resolution and parses what they report. */
export async function ffmpegDetect(file: string, o: DetectOptions = {}): Promise<FfmpegDetections> {
  const pre = o.lumaOnly ? (await lumaChain(file, {})).filters : [];
  const dir = mkdtempSync(join(tmpdir(), 'assay-detect-'));
  try {
    const meta = join(dir, 'scdet.txt');
    const opt = (name: string, value?: string) => (value ? `${name}=${value}` : name);
    const chain = [
      ...pre,
      opt('blackdetect', o.black),
      opt('freezedetect', o.freeze),
      opt('scdet', o.scdet),
      `metadata=print:key=lavfi.scd.score:file=${meta}`,
    ];
    const log = await ffmpeg(['-loglevel', 'info', ...inputOf(file, o), '-vf', chain.join(','), '-f', 'null', '-']);
    const black = [...log.matchAll(/black_start:([\d.]+) black_end:([\d.]+)/g)].map((m) => ({ start: Number(m[1]), end: Number(m[2]) }));
    const freeze: FilterInterval[] = [];
    for (const m of log.matchAll(/lavfi\.freezedetect\.freeze_(start|end): ([\d.]+)/g)) {
      if (m[1] === 'start') freeze.push({ start: Number(m[2]) });
      else freeze[freeze.length - 1].end = Number(m[2]);
    }
    const cuts = [...log.matchAll(/lavfi\.scd\.score: [\d.]+, lavfi\.scd\.time: ([\d.]+)/g)].map((m) => Number(m[1]));
    const scdetScores = [...readFileSync(meta, 'utf8').matchAll(/lavfi\.scd\.score=([\d.]+)/g)].map((m) => Number(m[1]));
    return { black, freeze, cuts, scdetScores };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface FfmpegFullReference {
  mseY: number[];
  psnrY: number[];
  ssimY: number[];
  /** the summary lines: `PSNR y:` (PSNR of the mean MSE, 2 decimals) and `SSIM Y:` (mean SSIM, 6 decimals) */
  summaryPsnrY: number;
  summarySsimY: number;
}

/** Per-frame Y values of ffmpeg's psnr and ssim filters (frame metadata) and their summary lines. */
export async function ffmpegFullReference(asset: string, reference: string): Promise<FfmpegFullReference> {
  const dir = mkdtempSync(join(tmpdir(), 'assay-fr-'));
  try {
    const psnrFile = join(dir, 'psnr.txt');
    const ssimFile = join(dir, 'ssim.txt');
    const log = await ffmpeg([
      '-loglevel',
      'info',
      '-i',
      asset,
      '-i',
      reference,
      '-lavfi',
      `[0:v]split[a0][a1];[1:v]split[b0][b1];[a0][b0]psnr,metadata=print:file=${psnrFile}[o0];[a1][b1]ssim,metadata=print:file=${ssimFile}[o1]`,
      '-map',
      '[o0]',
      '-f',
      'null',
      '-',
      '-map',
      '[o1]',
      '-f',
      'null',
      '-',
    ]);
    const number = (v: string) => (v === 'inf' ? Infinity : Number(v));
    const values = (file: string, key: string) =>
      [...readFileSync(file, 'utf8').matchAll(new RegExp(`${key.replace(/\./g, '\\.')}=([-\\d.]+|inf)`, 'g'))].map((m) => number(m[1]));
    return {
      mseY: values(psnrFile, 'lavfi.psnr.mse.y'),
      psnrY: values(psnrFile, 'lavfi.psnr.psnr.y'),
      ssimY: values(ssimFile, 'lavfi.ssim.Y'),
      summaryPsnrY: number(/PSNR y:([\d.]+|inf)/.exec(log)?.[1] ?? 'NaN'),
      summarySsimY: number(/SSIM Y:([\d.]+)/.exec(log)?.[1] ?? 'NaN'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
