import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@assay/config';
import { ffmpeg } from '../helpers/media.js';

/**
 * What a video job holds grows with its frame count (per-frame statistics, ≈ 1.1 KB each), so the frame
 * count is a limit (MAX_VIDEO_FRAMES). The worst file the default limits allow is the most frames at the
 * smallest size (16×16 at 10 000 fps decodes fastest per frame): it is scored in a child process whose peak
 * resident memory is compared with its own baseline. Before the limit, 200 000 such frames cost +497 MB.
 */
const PEAK_GROWTH_BOUND_MB = 150;
const { maxVideoFrames } = loadConfig({}).limits;
let dir: string;
const clip = (frames: number) => join(dir, `tiny-${frames}.mkv`);

interface ProbeReport {
  baselineKb: number;
  peakKb: number;
  frames: number;
  code?: string;
}

function score(file: string): ProbeReport {
  const out = execFileSync(process.execPath, ['test/dist/helpers/video-memory-probe.js', file], { encoding: 'utf8', timeout: 120_000 });
  return JSON.parse(out) as ProbeReport;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'assay-test-frame-memory-'));
  for (const frames of [maxVideoFrames, maxVideoFrames + 14_000]) {
    ffmpeg(
      '-f',
      'lavfi',
      '-i',
      'testsrc=s=16x16:r=10000',
      '-frames:v',
      String(frames),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      clip(frames),
    );
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('frame analysis memory is bounded by MAX_VIDEO_FRAMES', () => {
  it(`the worst file the default limits allow (${maxVideoFrames} frames of 16×16) is scored within +${PEAK_GROWTH_BOUND_MB} MB peak`, () => {
    const r = score(clip(maxVideoFrames));
    expect(r.code).toBeUndefined();
    expect(r.frames).toBe(maxVideoFrames);
    const growthMb = (r.peakKb - r.baselineKb) / 1024;
    console.log(`peak RSS growth for ${r.frames} frames: ${growthMb.toFixed(1)} MB`);
    expect(growthMb).toBeLessThan(PEAK_GROWTH_BOUND_MB);
  }, 120_000);

  it('a file with more frames stops at the limit (too_many_frames) within the same bound', () => {
    const r = score(clip(maxVideoFrames + 14_000));
    expect(r.code).toBe('too_many_frames');
    expect((r.peakKb - r.baselineKb) / 1024).toBeLessThan(PEAK_GROWTH_BOUND_MB);
  }, 120_000);
});
