import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@assay/contracts';
import { decodeAudio, decodeVideo, openMedia, type MediaKind, type MediaLimits } from '@assay/media';
import {
  codeOf,
  ffmpeg,
  FRONT_CENTER_WAV,
  LIMITS,
  mediaTempDirs,
  MEGAMIND,
  ownDir,
  read,
  rejectionOf,
  toolChildren,
} from './media-fixtures.js';

/**
 * Media whose header declares no length, or a false one, must not get past the duration, size and
 * frame-count limits: the policy is held from the probe (with the packet timestamps when the container says
 * nothing) and again on what ffmpeg decodes.
 */
let dir: ReturnType<typeof ownDir>;
let parent: ReturnType<typeof ownDir>;
const path = (name: string) => join(dir.path, name);

/** FLAC with the STREAMINFO total-samples field (36 bits from bit 4 of body byte 13) set to 0: "unknown". */
function zeroTotalSamples(flac: string, out: string): void {
  const bytes = readFileSync(flac);
  expect(bytes.subarray(0, 4).toString('latin1')).toBe('fLaC');
  const body = 8; // marker + STREAMINFO block header
  bytes[body + 13] &= 0xf0;
  bytes.fill(0, body + 14, body + 18);
  writeFileSync(out, bytes);
}

/** Matroska with the Segment Info Duration (EBML id 0x4489, an 8-byte float in ms) rewritten to `ms`. */
function claimDuration(mkv: string, out: string, ms: number): void {
  const bytes = readFileSync(mkv);
  const at = bytes.indexOf(Buffer.from([0x44, 0x89, 0x88]));
  expect(at).toBeGreaterThan(0);
  bytes.writeDoubleBE(ms, at + 3);
  writeFileSync(out, bytes);
}

beforeAll(() => {
  dir = ownDir('assay-test-decode-limits-');
  parent = ownDir('assay-test-decode-limits-tmp-');
  // 30 s of a real recording (alsa-utils' Front_Center.wav, looped), stereo 48 kHz
  ffmpeg('-stream_loop', '-1', '-i', FRONT_CENTER_WAV, '-t', '30', '-ac', '2', '-c:a', 'flac', path('speech30.flac'));
  zeroTotalSamples(path('speech30.flac'), path('no-length.flac'));
  // the same audio with every timestamp divided by 100: the container and the packets say 0.3 s
  ffmpeg('-itsscale', '0.01', '-i', path('speech30.flac'), '-c', 'copy', path('scaled.mka'));
  // 4 s at 8 channels × 96 kHz with scaled timestamps: short per channel, too many samples in all
  ffmpeg('-stream_loop', '-1', '-i', FRONT_CENTER_WAV, '-t', '4', '-ac', '8', '-ar', '96000', '-c:a', 'flac', path('wide.flac'));
  ffmpeg('-itsscale', '0.01', '-i', path('wide.flac'), '-c', 'copy', path('wide-scaled.mka'));
  // 20 s of opencv-doc's Megamind.avi, Matroska written live (no duration in the header)
  ffmpeg(
    '-stream_loop',
    '-1',
    '-i',
    MEGAMIND,
    '-frames:v',
    '500',
    '-an',
    '-vf',
    'fps=25,scale=160:-2',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    path('clip.mkv'),
  );
  ffmpeg('-i', path('clip.mkv'), '-c', 'copy', '-f', 'matroska', '-live', '1', path('live.mkv'));
  claimDuration(path('clip.mkv'), path('claims-1s.mkv'), 1000);
  ffmpeg('-itsscale', '0.01', '-i', path('clip.mkv'), '-c', 'copy', path('scaled.mkv'));
});
afterAll(() => {
  dir?.remove();
  parent?.remove();
});

const limits = (over: Partial<MediaLimits>): MediaLimits => ({ ...LIMITS, ...over });
const open = (name: string, kind: MediaKind, l: MediaLimits) => openMedia(read(path(name)), kind, l, { tmpDir: parent.path });

describe('a container that declares no duration is measured from its packet timestamps', () => {
  it('a FLAC whose STREAMINFO says 0 samples: refused before decoding when the packets run past the limit', async () => {
    const err = await rejectionOf(open('no-length.flac', 'audio', limits({ maxDurationSeconds: 10 })));
    expect(err).toMatchObject({ code: ErrorCode.DurationTooLong });
    expect(err.message).toMatch(/lasts 30\.0\d\d s; the limit is 10 s/);
    const file = await open('no-length.flac', 'audio', limits({ maxDurationSeconds: 60 }));
    try {
      expect(file.probe.durationSource).toBe('packets');
      expect(file.probe.durationSeconds).toBeCloseTo(30, 1);
      const pcm = await decodeAudio(file, { mono16k: false });
      expect(pcm.durationSeconds).toBeCloseTo(30, 1);
    } finally {
      await file.close();
    }
  });

  it('a Matroska written live (-live 1): refused before decoding, or measured and recorded as such', async () => {
    expect(await codeOf(open('live.mkv', 'video', limits({ maxDurationSeconds: 10 })))).toBe(ErrorCode.DurationTooLong);
    const file = await open('live.mkv', 'video', LIMITS);
    try {
      expect(file.probe.durationSource).toBe('packets');
      expect(file.probe.durationSeconds).toBeCloseTo(20, 1);
    } finally {
      await file.close();
    }
  });
});

describe('the limits hold on what ffmpeg decodes, whatever the header says', () => {
  it('audio whose timestamps claim 0.3 s stops at the duration limit: duration_too_long, ffmpeg killed', async () => {
    const file = await open('scaled.mka', 'audio', limits({ maxDurationSeconds: 10 }));
    try {
      expect(file.probe.durationSeconds).toBeLessThan(0.5);
      const err = await rejectionOf(decodeAudio(file, { mono16k: true }));
      expect(err).toMatchObject({ code: ErrorCode.DurationTooLong });
      expect(err.message).toMatch(/decoding stopped: the audio runs past 10 s .*the file declares 0\.\d+ s/);
      expect(toolChildren()).toEqual([]);
    } finally {
      await file.close();
    }
    expect(mediaTempDirs(parent.path)).toEqual([]);
  });

  it('8 channels at 96 kHz within the duration but over the decoded-sample bound: audio_too_large while decoding', async () => {
    const file = await open('wide-scaled.mka', 'audio', limits({ maxDurationSeconds: 5 }));
    try {
      const err = await rejectionOf(decodeAudio(file, { mono16k: false }));
      expect(err).toMatchObject({ code: ErrorCode.AudioTooLarge });
      expect(err.message).toMatch(/more than 480000 samples .*8 channels at 96000 Hz/);
    } finally {
      await file.close();
    }
  });

  it('a video whose container claims 1 s stops at the first frame past the duration limit', async () => {
    const file = await open('claims-1s.mkv', 'video', limits({ maxDurationSeconds: 10 }));
    try {
      expect(file.probe).toMatchObject({ durationSeconds: 1, durationSource: 'container' });
      let last = 0;
      const err = await rejectionOf(decodeVideo(file, { onFrame: (f) => (last = f.time) }));
      expect(err).toMatchObject({ code: ErrorCode.DurationTooLong });
      expect(err.message).toMatch(/a frame at 10\.0\d\d s; the file declares 1\.000 s/);
      expect(last).toBeLessThan(10);
      expect(toolChildren()).toEqual([]);
    } finally {
      await file.close();
    }
  });

  it('a video whose timestamps are scaled down (500 frames in 0.2 s) stops at the frame-count limit: too_many_frames', async () => {
    const file = await open('scaled.mkv', 'video', limits({ maxVideoFrames: 100 }));
    try {
      expect(file.probe.durationSeconds).toBeLessThan(0.25);
      let frames = 0;
      const err = await rejectionOf(decodeVideo(file, { onFrame: () => frames++ }));
      expect(err).toMatchObject({ code: ErrorCode.TooManyFrames });
      expect(err.message).toMatch(/more than 100 frames/);
      expect(frames).toBeLessThanOrEqual(100);
    } finally {
      await file.close();
    }
    const file2 = await open('scaled.mkv', 'video', LIMITS);
    try {
      expect((await decodeVideo(file2)).framesAnalysed).toBe(500);
    } finally {
      await file2.close();
    }
  });

  it('a video that declares more frames than the limit is refused from the probe', async () => {
    ffmpeg('-i', path('clip.mkv'), '-c', 'copy', path('clip.mp4'));
    const err = await rejectionOf(openMedia(read(path('clip.mp4')), 'video', limits({ maxVideoFrames: 100 }), { tmpDir: parent.path }));
    expect(err).toMatchObject({ code: ErrorCode.TooManyFrames });
    expect(err.message).toBe('the video declares 500 frames; the limit is 100');
  });
});
