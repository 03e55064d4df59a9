import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { AssayError, type ErrorCode } from '@assay/contracts';
import { MEDIA_TEMP_PREFIX, type MediaFile, type MediaLimits } from '@assay/media';

/** Real photographs and videos from Debian's opencv-doc; real recordings from alsa-utils and freedesktop. */
export const OPENCV_DATA = '/usr/share/doc/opencv-doc/examples/data';
/** 768×576 MS-MPEG4 v3, 795 frames at 10 fps */
export const VTEST = `${OPENCV_DATA}/vtest.avi`;
/** 320×240 Cinepak (RGB), 444 chunks of which 68 hold frames, over 29.6 s */
export const TREE = `${OPENCV_DATA}/tree.avi`;
/** 720×528 MPEG-4 part 2 at 23.976 fps with an AC-3 stereo track */
export const MEGAMIND = `${OPENCV_DATA}/Megamind.avi`;
export const ALSA = '/usr/share/sounds/alsa';
export const FRONT_CENTER_WAV = `${ALSA}/Front_Center.wav`;
export const FREEDESKTOP = '/usr/share/sounds/freedesktop/stereo';
export const BELL_OGA = `${FREEDESKTOP}/bell.oga`;

export const LIMITS: MediaLimits = {
  maxBytes: 64 * 1024 * 1024,
  maxDurationSeconds: 600,
  maxVideoPixels: 4096 * 2160,
  maxVideoFrames: 36_000,
  timeoutMs: 60_000,
};

export function ffmpeg(...args: string[]): void {
  execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function ffmpegOut(...args: string[]): Buffer {
  return execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', ...args], {
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** f32le samples as the ffmpeg CLI writes them */
export function ffmpegFloats(...args: string[]): Float32Array {
  const out = ffmpegOut(...args, '-f', 'f32le', '-');
  return new Float32Array(out.buffer, out.byteOffset, out.length / 4);
}

export function ffprobeJson(...args: string[]): any {
  return JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] }).toString(),
  );
}

export const read = (path: string) => new Uint8Array(readFileSync(path));

/** Awaits a rejection and returns its AssayError code. */
export async function codeOf(p: Promise<unknown>): Promise<ErrorCode> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AssayError);
  return (err as AssayError).code;
}

/** Awaits a rejection and returns it. */
export async function rejectionOf(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

/** Children of this process (ps itself excluded) as `pid stat comm`, e.g. ffmpeg processes that were not reaped or killed. */
export function childProcesses(): string[] {
  const out = execFileSync('ps', ['--ppid', String(process.pid), '-o', 'pid=,stat=,comm=']).toString();
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/\sps$/.test(l));
}

/** Pids of the ffmpeg / ffprobe children running now. */
export function toolChildren(): number[] {
  return childProcesses()
    .filter((l) => /\s(ffmpeg|ffprobe)$/.test(l))
    .map((l) => Number(l.split(/\s+/)[0]));
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return ''; // exited meanwhile
  }
}

/** Waits for a running ffmpeg / ffprobe child whose command line contains `needle`; returns its pid. */
export async function childRunning(needle: string, timeoutMs = 10_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    for (const pid of toolChildren()) {
      if (processState(pid) !== 'Z' && commandLine(pid).includes(needle)) return pid;
    }
    if (performance.now() > deadline) throw new Error(`no child running with ${needle} in its command line`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** `State:` letter of /proc/<pid>/status (`Z` for a zombie), undefined when the process no longer exists. */
export function processState(pid: number): string | undefined {
  try {
    return /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/** A child that was killed and reaped: no such process, not even a zombie. */
export function expectReaped(pid: number): void {
  expect(pid).toBeGreaterThan(0);
  let code: string | undefined;
  try {
    process.kill(pid, 0);
  } catch (err) {
    code = (err as NodeJS.ErrnoException).code;
  }
  expect(code).toBe('ESRCH');
  expect(processState(pid)).toBeUndefined();
}

/** A directory of the test's own under the system temp dir; `remove()` deletes it and nothing else. */
export function ownDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The `assay-media-*` directories openMedia left in `parent`. */
export function mediaTempDirs(parent: string): string[] {
  return readdirSync(parent).filter((name) => name.startsWith(MEDIA_TEMP_PREFIX));
}

/**
 * A stand-in for ffmpeg or ffprobe that hangs: `-version` and `-codecs` go to the real tool, anything else
 * records its pid (and that of a `sleep` it starts, a grandchild of the test) in `<dir>/<name>.pids` and
 * waits forever. Used where a real tool cannot be made to hang on demand.
 */
export function hangingTool(dir: string, name: 'ffmpeg' | 'ffprobe'): { path: string; pids(): number[] } {
  const path = join(dir, `hanging-${name}`);
  const pidFile = join(dir, `${name}.pids`);
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      `case " $* " in *" -version "*|*" -codecs "*) exec /usr/bin/${name} "$@";; esac`,
      `echo $$ > '${pidFile}'`,
      'sleep 600 &',
      `echo $! >> '${pidFile}'`,
      'wait',
      '',
    ].join('\n'),
  );
  chmodSync(path, 0o700);
  return {
    path,
    pids: () => readFileSync(pidFile, 'utf8').split('\n').filter(Boolean).map(Number),
  };
}

/** CRC-32/MPEG-2 of a PSI section: polynomial 0x04C11DB7, not reflected, initial value all ones. */
function crc32Mpeg2(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte << 24;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  }
  return crc >>> 0;
}

/**
 * Rewrites the stream_type of the first elementary stream in every PMT of an MPEG-TS written by ffmpeg
 * (PMT on PID 0x1000, one program), with the section CRC recomputed, so the demuxer takes the stream for
 * another codec. Returns how many PMT packets were changed.
 */
export function retypeTsStream(ts: Uint8Array, from: number, to: number): number {
  let changed = 0;
  for (let packet = 0; packet + 188 <= ts.length; packet += 188) {
    const pid = ((ts[packet + 1] & 0x1f) << 8) | ts[packet + 2];
    const unitStart = ts[packet + 1] & 0x40;
    if (pid !== 0x1000 || !unitStart || ts[packet + 3] & 0x20) continue; // PMT packets carry no adaptation field
    const section = packet + 5 + ts[packet + 4];
    const sectionLength = ((ts[section + 1] & 0x0f) << 8) | ts[section + 2];
    const programInfoLength = ((ts[section + 10] & 0x0f) << 8) | ts[section + 11];
    const streamType = section + 12 + programInfoLength;
    if (ts[streamType] !== from) throw new Error(`PMT stream_type is 0x${ts[streamType].toString(16)}, expected 0x${from.toString(16)}`);
    ts[streamType] = to;
    const crcAt = section + 3 + sectionLength - 4;
    new DataView(ts.buffer, ts.byteOffset).setUint32(crcAt, crc32Mpeg2(ts.subarray(section, crcAt)));
    changed++;
  }
  return changed;
}

export interface VideoClips {
  dir: string;
  /** 4 s, 25 fps, 480×450 H.264 (moov at the end): a zoom into fruits.jpg */
  fruitsMp4: string;
  /** the same 4 s clip at 320×300 */
  smallMp4: string;
  /** 2 s VP8 + Opus (a real recording) in WebM */
  webm: string;
  cleanup(): void;
}

/** Short clips made from real photographs and recordings; built once per test file. */
export function makeVideoClips(): VideoClips {
  const dir = mkdtempSync(join(tmpdir(), 'assay-test-media-clips-'));
  const p = (name: string) => join(dir, name);
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const zoom = (size: string) => `scale=480:-2,zoompan=z='1+0.004*on':d=1:s=${size}:fps=25`;
  try {
    ffmpeg(
      '-loop',
      '1',
      '-i',
      `${OPENCV_DATA}/fruits.jpg`,
      '-t',
      '4',
      '-r',
      '25',
      '-vf',
      zoom('480x450'),
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-pix_fmt',
      'yuv420p',
      p('fruits.mp4'),
    );
    ffmpeg(
      '-loop',
      '1',
      '-i',
      `${OPENCV_DATA}/fruits.jpg`,
      '-t',
      '4',
      '-r',
      '25',
      '-vf',
      zoom('320x300'),
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-pix_fmt',
      'yuv420p',
      p('small.mp4'),
    );
    ffmpeg(
      '-i',
      p('fruits.mp4'),
      '-i',
      FRONT_CENTER_WAV,
      '-t',
      '2',
      '-c:v',
      'libvpx',
      '-deadline',
      'realtime',
      '-b:v',
      '500k',
      '-c:a',
      'libopus',
      p('clip.webm'),
    );
  } catch (err) {
    cleanup(); // the caller never gets the handle, so its afterAll cannot remove the directory
    throw err;
  }
  return { dir, fruitsMp4: p('fruits.mp4'), smallMp4: p('small.mp4'), webm: p('clip.webm'), cleanup };
}

/** Writes a derived file into `dir` (a directory the test owns) and returns its path. */
export function derive(dir: string, name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/**
 * A faststart copy of `source` whose media data is overwritten with seeded noise from 2000 bytes in: the
 * container reads, the decoder fails.
 */
export function damagedMp4(dir: string, source: string, seed: number): string {
  const faststart = join(dir, 'faststart.mp4');
  ffmpeg('-i', source, '-c', 'copy', '-movflags', '+faststart', faststart);
  const bytes = Buffer.from(readFileSync(faststart));
  const mdat = bytes.indexOf('mdat') + 4;
  for (let i = mdat + 2000; i < bytes.length; i++) bytes[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  return derive(dir, 'garbage.mp4', bytes);
}

/** An opened file with its path swapped for a FIFO nobody writes to: ffmpeg blocks opening it until killed. */
export function blockedCopy(real: MediaFile, dir: string, name: string): MediaFile {
  const fifo = join(dir, name);
  execFileSync('mkfifo', [fifo]);
  return { ...real, path: fifo };
}
