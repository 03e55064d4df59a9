import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPENCV_DATA } from './env.js';

/**
 * Clips and recordings for the pipeline tests and benchmarks, made at run time by Debian's ffmpeg and
 * espeak-ng from material no one here wrote: opencv-doc's photographs and videos, alsa-utils' and
 * freedesktop's recordings.
 */
export const FRONT_CENTER_WAV = '/usr/share/sounds/alsa/Front_Center.wav';
export const BELL_OGA = '/usr/share/sounds/freedesktop/stereo/bell.oga';
export const VTEST_AVI = join(OPENCV_DATA, 'vtest.avi');
export const photo = (name: string) => join(OPENCV_DATA, name);

export function ffmpeg(...args: string[]): void {
  execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** ffmpeg's log (stderr) of a run to the null muxer: what its psnr, ssim and ebur128 filters print. */
function nullRunLog(args: string[]): string {
  return execFileSync('sh', ['-c', 'ffmpeg -nostdin -hide_banner -nostats "$@" -f null - 2>&1', 'sh', ...args], { encoding: 'utf8' });
}

const x264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'];

/** A horizontal pan over a photograph, `seconds` long at 25 fps, `width`×`height`, with `audio` muxed in (AAC) when given. */
export function panClip(
  out: string,
  opts: { image: string; seconds: number; width: number; height: number; speed: number; audio?: string },
): string {
  // wide enough for the whole pan; the photograph must be at least as tall as wide at that scale
  const travel = Math.ceil(opts.speed * opts.seconds);
  const crop = `scale=${opts.width + travel}:-2,crop=${opts.width}:${opts.height}:'min(t*${opts.speed},${travel})':(ih-${opts.height})/2`;
  ffmpeg(
    '-loop',
    '1',
    '-framerate',
    '25',
    '-i',
    opts.image,
    ...(opts.audio ? ['-i', opts.audio] : []),
    '-vf',
    crop,
    '-t',
    String(opts.seconds),
    ...x264,
    ...(opts.audio ? ['-c:a', 'aac', '-b:a', '96k'] : []),
    out,
  );
  return out;
}

/** A still photograph held for `seconds` (no audio): frozen, no motion. */
export function stillClip(out: string, opts: { image: string; seconds: number; width: number; height: number; fps?: number }): string {
  ffmpeg(
    '-loop',
    '1',
    '-framerate',
    String(opts.fps ?? 25),
    '-i',
    opts.image,
    '-vf',
    `scale=${opts.width}:${opts.height}`,
    '-t',
    String(opts.seconds),
    ...x264,
    out,
  );
  return out;
}

/** The first `seconds` of a real video, scaled, re-encoded at `crf`. */
export function excerpt(out: string, opts: { source: string; seconds: number; width: number; crf: number }): string {
  ffmpeg('-i', opts.source, '-t', String(opts.seconds), '-vf', `scale=${opts.width}:-2`, ...x264, '-crf', String(opts.crf), '-an', out);
  return out;
}

/** Speech synthesized by espeak-ng (22.05 kHz mono WAV). */
export function speech(out: string, text: string): string {
  execFileSync('espeak-ng', ['-w', out, text], { stdio: 'ignore' });
  return out;
}

/** Digital silence, `seconds` long, 48 kHz stereo WAV. */
export function silence(out: string, seconds: number): string {
  ffmpeg('-f', 'lavfi', '-i', `anullsrc=r=48000:cl=stereo`, '-t', String(seconds), '-c:a', 'pcm_s16le', out);
  return out;
}

/** ffmpeg's own `psnr` (average y) and `ssim` (Y) of `asset` against `reference`. */
export function ffmpegFullReference(asset: string, reference: string): { psnrY: number; ssimY: number } {
  const run = (filter: string) => nullRunLog(['-i', asset, '-i', reference, '-lavfi', `[0:v][1:v]${filter}`]);
  const psnr = /PSNR y:([\d.]+|inf)/.exec(run('psnr'));
  const ssim = /SSIM Y:([\d.]+)/.exec(run('ssim'));
  if (!psnr || !ssim) throw new Error('ffmpeg printed no psnr / ssim summary');
  return { psnrY: psnr[1] === 'inf' ? Infinity : Number(psnr[1]), ssimY: Number(ssim[1]) };
}

/** ffmpeg's EBU R128 summary (`ebur128=peak=true`): integrated loudness, loudness range, true peak. */
export function ffmpegLoudness(path: string): { integratedLufs: number; rangeLu: number; truePeakDbtp: number } {
  const log = nullRunLog(['-i', path, '-af', 'ebur128=peak=true']);
  const summary = log.slice(log.lastIndexOf('Summary:'));
  const num = (re: RegExp) => Number(re.exec(summary)?.[1]);
  return {
    integratedLufs: num(/I:\s+(-?[\d.]+) LUFS/),
    rangeLu: num(/LRA:\s+(-?[\d.]+) LU/),
    truePeakDbtp: num(/Peak:\s+(-?[\d.]+|-inf) dBFS/),
  };
}

export const bytesOf = (path: string) => new Uint8Array(readFileSync(path));
