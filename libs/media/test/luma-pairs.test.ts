import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@assay/contracts';
import { decodeLumaPairs, openMedia, type GrayFrame, type LumaPairOptions, type MediaFile } from '@assay/media';
import {
  blockedCopy,
  childProcesses,
  childRunning,
  damagedMp4,
  expectReaped,
  ffmpeg,
  ffmpegOut,
  LIMITS,
  makeVideoClips,
  mediaTempDirs,
  ownDir,
  read,
  rejectionOf,
  toolChildren,
  type VideoClips,
} from './media-fixtures.js';

let clips: VideoClips;
let parent: ReturnType<typeof ownDir>;
/** the fruits clip re-encoded at CRF 38: same frames, visibly worse */
let lossy: string;
/** its first 40 frames */
let short: string;
beforeAll(() => {
  clips = makeVideoClips();
  parent = ownDir('assay-test-media-pairs-');
  lossy = join(clips.dir, 'lossy.mp4');
  ffmpeg('-i', clips.fruitsMp4, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '38', lossy);
  short = join(clips.dir, 'short.mp4');
  ffmpeg('-i', clips.fruitsMp4, '-frames:v', '40', '-c:v', 'libx264', '-preset', 'veryfast', short);
});
afterAll(() => {
  clips?.cleanup();
  parent?.remove();
});

const openVideo = (path: string) => openMedia(read(path), 'video', LIMITS, { tmpDir: parent.path });

/** Opens both files, runs decodeLumaPairs, closes both. */
async function pairs(assetPath: string, referencePath: string, options: LumaPairOptions) {
  const files: MediaFile[] = [];
  try {
    files.push(await openVideo(assetPath), await openVideo(referencePath));
    return await decodeLumaPairs(files[0], files[1], options);
  } finally {
    await Promise.all(files.map((f) => f.close()));
  }
}

/** Full-size Y planes of every frame, as the ffmpeg CLI decodes them. */
function cliYPlanes(path: string, width: number, height: number): Buffer[] {
  const raw = ffmpegOut('-i', path, '-vf', 'extractplanes=y', '-fps_mode', 'passthrough', '-f', 'rawvideo', '-');
  const n = width * height;
  return Array.from({ length: raw.length / n }, (_, i) => raw.subarray(i * n, (i + 1) * n));
}

describe('decodeLumaPairs', () => {
  it("pairs frame i with frame i: the Y planes ffmpeg's psnr filter compares, PSNR-Y equal to 1e-6", async () => {
    const assetY = cliYPlanes(lossy, 480, 450);
    const referenceY = cliYPlanes(clips.fruitsMp4, 480, 450);
    let sumMse = 0;
    const result = await pairs(lossy, clips.fruitsMp4, {
      onPair: (a, b) => {
        expect([a.index, a.width, a.height, b.index]).toEqual([b.index, 480, 450, a.index]);
        expect(a.time).toBe(b.time);
        expect(Buffer.from(a.luma).equals(assetY[a.index])).toBe(true);
        expect(Buffer.from(b.luma).equals(referenceY[b.index])).toBe(true);
        let se = 0;
        for (let i = 0; i < a.luma.length; i++) se += (a.luma[i] - b.luma[i]) ** 2;
        sumMse += se / a.luma.length;
      },
    });
    expect(result).toEqual({ pairs: 100, assetFrames: 100, referenceFrames: 100, width: 480, height: 450 });
    const ours = 10 * Math.log10((255 * 255) / (sumMse / result.pairs));
    const log = execFileSync('sh', [
      '-c',
      `ffmpeg -nostdin -hide_banner -i '${lossy}' -i '${clips.fruitsMp4}' -lavfi '[0:v][1:v]psnr' -f null - 2>&1`,
    ]).toString();
    const theirs = Number(/PSNR y:([\d.]+)/.exec(log)![1]);
    expect(theirs).toBeGreaterThan(20);
    expect(Math.abs(ours - theirs)).toBeLessThan(1e-6);
  });

  it('pairs up to the shorter stream and counts both to the end', async () => {
    const seen: [GrayFrame, GrayFrame][] = [];
    const result = await pairs(clips.fruitsMp4, short, { onPair: (a, b) => void seen.push([a, b]) });
    expect(result).toEqual({ pairs: 40, assetFrames: 100, referenceFrames: 40, width: 480, height: 450 });
    expect(seen.map(([a, b]) => [a.index, b.index])).toEqual(Array.from({ length: 40 }, (_, i) => [i, i]));
    // the other way round gives the same count
    expect(await pairs(short, clips.fruitsMp4, { onPair: () => {} })).toMatchObject({ pairs: 40, assetFrames: 40, referenceFrames: 100 });
  });

  it('frames of different sizes → reference_size_mismatch, before any ffmpeg runs', async () => {
    const spawned: string[] = [];
    const err = await rejectionOf(pairs(clips.fruitsMp4, clips.smallMp4, { onPair: () => {}, onSpawn: (tool) => spawned.push(tool) }));
    expect(err).toMatchObject({
      code: ErrorCode.ReferenceSizeMismatch,
      message: 'the asset is 480×450, the reference 320×300; full-reference metrics need equal sizes',
    });
    expect(spawned).toEqual([]);
  });

  it('one side failing kills the other at once and reports the failure (decode_error), leaving no process', async () => {
    const garbage = damagedMp4(clips.dir, clips.fruitsMp4, 7);
    // the reference is a long clip of the same size: it runs ahead, is paused, and must still be killed
    const long = join(clips.dir, 'long.mp4');
    ffmpeg('-stream_loop', '3', '-i', clips.fruitsMp4, '-c', 'copy', long);
    const err = await rejectionOf(pairs(garbage, long, { onPair: () => {} }));
    expect(err).toMatchObject({ code: ErrorCode.DecodeError });
    expect(err.message).toMatch(/^ffmpeg could not decode the asset video/);
    expect(childProcesses()).toEqual([]);
  });

  it('a stream without frames → empty_stream', async () => {
    const empty = join(clips.dir, 'empty.avi');
    ffmpeg('-i', clips.fruitsMp4, '-vf', 'trim=start_frame=1000', '-c:v', 'mpeg4', empty);
    const err = await rejectionOf(pairs(clips.fruitsMp4, empty, { onPair: () => {} }));
    expect(err).toMatchObject({ code: ErrorCode.EmptyStream, message: 'the reference video stream has no decodable frames' });
    expect(childProcesses()).toEqual([]);
  });

  it('a blocked reference times out → decode_timeout; both processes are reaped', async () => {
    const own = ownDir('assay-test-media-pairs-kill-');
    const asset = await openVideo(clips.fruitsMp4);
    const real = await openVideo(clips.fruitsMp4);
    try {
      const reference = blockedCopy(real, own.path, 'reference');
      const started = performance.now();
      const pending = rejectionOf(decodeLumaPairs(asset, reference, { onPair: () => {}, timeoutMs: 1000 }));
      const blocked = await childRunning(reference.path);
      const assetPid = await childRunning(asset.path);
      const err = await pending;
      expect(err).toMatchObject({ code: ErrorCode.DecodeTimeout });
      expect(performance.now() - started).toBeLessThan(5000);
      expectReaped(blocked);
      expectReaped(assetPid);
    } finally {
      await asset.close();
      await real.close();
      own.remove();
    }
    expect(mediaTempDirs(parent.path)).toEqual([]);
  });

  it('an abort kills both processes → AbortError', async () => {
    const controller = new AbortController();
    let pids: number[] = [];
    let n = 0;
    const err = await rejectionOf(
      pairs(clips.fruitsMp4, lossy, {
        signal: controller.signal,
        onPair: () => {
          if (++n !== 3) return;
          pids = toolChildren();
          controller.abort(new Error('job removed'));
        },
      }),
    );
    expect(err).toMatchObject({ name: 'AbortError' });
    expect(err.message).toMatch(/was cancelled: job removed$/);
    expect(n).toBe(3);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expectReaped(pid);
    expect(mediaTempDirs(parent.path)).toEqual([]);
  });
});
