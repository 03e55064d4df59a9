import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssayError, ErrorCode, type MediaProbe } from '@assay/contracts';
import {
  ALLOWED_DEMUXERS,
  decodableCodecs,
  openMedia,
  removeStaleMediaDirs,
  type MediaFile,
  type MediaKind,
  type MediaLimits,
  type OpenMediaOptions,
} from '@assay/media';
import {
  BELL_OGA,
  derive,
  expectReaped,
  ffmpeg,
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
  retypeTsStream,
  TREE,
  VTEST,
  type VideoClips,
} from './media-fixtures.js';

let clips: VideoClips;
let speechWav: string;
let rotatedMp4: string;
/** private parent of openMedia's temp dirs, to see that none is left behind */
let parent: ReturnType<typeof ownDir>;

beforeAll(() => {
  clips = makeVideoClips();
  parent = ownDir('assay-test-media-open-');
  speechWav = join(clips.dir, 'speech.wav');
  execFileSync('espeak-ng', ['-w', speechWav, 'The quick brown fox jumps over the lazy dog. Assay scores generated media.']);
  rotatedMp4 = join(clips.dir, 'rotated.mp4');
  ffmpeg('-i', clips.smallMp4, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', rotatedMp4);
});
afterAll(() => {
  clips?.cleanup();
  parent?.remove();
});

const open = (bytes: Uint8Array, kind: MediaKind, limits: MediaLimits = LIMITS, options: OpenMediaOptions = {}) =>
  openMedia(bytes, kind, limits, { tmpDir: parent.path, ...options });

async function withFile<T>(file: MediaFile, fn: (f: MediaFile) => T): Promise<T> {
  try {
    return fn(file);
  } finally {
    await file.close();
  }
}

/** Every field of the probe against ffprobe's own JSON for the same file. */
function expectSameAsFfprobe(probe: MediaProbe, path: string): void {
  const json = ffprobeJson('-show_format', '-show_streams', path);
  const rate = (r: string) => {
    const [a, b] = r.split('/').map(Number);
    return b ? a / b : 0;
  };
  expect(probe.container).toBe(json.format.format_name);
  expect(probe.bytes).toBe(Number(json.format.size));
  expect(probe.streams).toEqual(json.streams.map((s: { codec_type: string }) => s.codec_type));
  if (json.format.duration !== undefined) expect(probe.durationSeconds).toBe(Number(json.format.duration));
  if (json.format.bit_rate !== undefined) expect(probe.bitRate).toBe(Number(json.format.bit_rate));
  const v = json.streams.find((s: { codec_type: string }) => s.codec_type === 'video');
  if (v) {
    expect(probe.video).toMatchObject({ index: v.index, codec: v.codec_name, width: v.width, height: v.height, pixelFormat: v.pix_fmt });
    expect(probe.video!.frameRate).toBe(rate(v.avg_frame_rate) || rate(v.r_frame_rate));
    expect(probe.video!.frames).toBe(v.nb_frames === undefined ? undefined : Number(v.nb_frames));
    expect(probe.video!.durationSeconds).toBe(v.duration === undefined ? undefined : Number(v.duration));
    expect(probe.video!.rotation).toBe(v.side_data_list?.find((d: { rotation?: number }) => d.rotation !== undefined)?.rotation);
  } else {
    expect(probe.video).toBeUndefined();
  }
  const a = json.streams.find((s: { codec_type: string }) => s.codec_type === 'audio');
  if (a) {
    expect(probe.audio).toMatchObject({ index: a.index, codec: a.codec_name, sampleRate: Number(a.sample_rate), channels: a.channels });
    expect(probe.audio!.channelLayout).toBe(a.channel_layout);
    expect(probe.audio!.durationSeconds).toBe(a.duration === undefined ? undefined : Number(a.duration));
  } else {
    expect(probe.audio).toBeUndefined();
  }
}

describe('openMedia: the probe', () => {
  // headline values written out, then every field compared with ffprobe's JSON of the same file
  const cases: [string, () => string, MediaKind, Partial<MediaProbe>][] = [
    [
      'an MP4 (H.264, moov at the end)',
      () => clips.fruitsMp4,
      'video',
      {
        container: 'mov,mp4,m4a,3gp,3g2,mj2',
        streams: ['video'],
        video: { index: 0, codec: 'h264', width: 480, height: 450, frameRate: 25, frames: 100, durationSeconds: 4, pixelFormat: 'yuv420p' },
      },
    ],
    [
      'a WebM (VP8 + Opus)',
      () => clips.webm,
      'video',
      {
        container: 'matroska,webm',
        streams: ['video', 'audio'],
        durationSeconds: 2.007,
        video: { index: 0, codec: 'vp8', width: 480, height: 450, frameRate: 25, pixelFormat: 'yuv420p' },
        audio: { index: 1, codec: 'opus', sampleRate: 48000, channels: 1, channelLayout: 'mono' },
      },
    ],
    [
      'vtest.avi (MS-MPEG4 v3)',
      () => VTEST,
      'video',
      {
        container: 'avi',
        durationSeconds: 79.5,
        video: {
          index: 0,
          codec: 'msmpeg4v3',
          width: 768,
          height: 576,
          frameRate: 10,
          frames: 795,
          durationSeconds: 79.5,
          pixelFormat: 'yuv420p',
        },
      },
    ],
    [
      'Megamind.avi (MPEG-4 + AC-3)',
      () => MEGAMIND,
      'video',
      {
        container: 'avi',
        streams: ['video', 'audio'],
        video: { index: 0, codec: 'mpeg4', width: 720, height: 528, frameRate: 2997 / 125, frames: 270, pixelFormat: 'yuv420p' },
        audio: { index: 1, codec: 'ac3', sampleRate: 48000, channels: 2, channelLayout: 'stereo' },
      },
    ],
    [
      'tree.avi (Cinepak, RGB)',
      () => TREE,
      'video',
      {
        container: 'avi',
        video: { index: 0, codec: 'cinepak', width: 320, height: 240, frameRate: 1_000_000 / 66_667, frames: 444, pixelFormat: 'rgb24' },
      },
    ],
    [
      'a WAV recording',
      () => FRONT_CENTER_WAV,
      'audio',
      {
        container: 'wav',
        streams: ['audio'],
        durationSeconds: 1.428021,
        audio: { index: 0, codec: 'pcm_s16le', sampleRate: 48000, channels: 1 },
      },
    ],
    [
      'an Ogg Vorbis sound',
      () => BELL_OGA,
      'audio',
      {
        container: 'ogg',
        streams: ['audio'],
        audio: { index: 0, codec: 'vorbis', sampleRate: 44100, channels: 2, channelLayout: 'stereo' },
      },
    ],
    [
      'espeak-ng speech (WAV, no channel layout)',
      () => speechWav,
      'audio',
      { container: 'wav', audio: { index: 0, codec: 'pcm_s16le', sampleRate: 22050, channels: 1 } },
    ],
    [
      'an MP4 with a display matrix',
      () => rotatedMp4,
      'video',
      { video: { index: 0, codec: 'h264', width: 320, height: 300, frameRate: 25, rotation: 90 } },
    ],
  ];
  it.each(cases)('maps %s', async (_, path, kind, expected) => {
    const file = await open(read(path()), kind);
    await withFile(file, (f) => {
      expect(f.probe).toMatchObject(expected);
      expectSameAsFfprobe(f.probe, path());
    });
  });

  it('keeps the bytes in a private copy (0600 file in a 0700 directory under tmpDir); close() removes it, twice is fine', async () => {
    const file = await open(read(clips.fruitsMp4), 'video');
    const dir = dirname(file.path);
    expect(dirname(dir)).toBe(parent.path);
    expect(mediaTempDirs(parent.path)).toHaveLength(1);
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(file.path).equals(readFileSync(clips.fruitsMp4))).toBe(true);
    expect(file.bytes).toBe(statSync(clips.fruitsMp4).size);
    await file.close();
    await file.close();
    expect(existsSync(dir)).toBe(false);
    expect(mediaTempDirs(parent.path)).toEqual([]);
  });

  it('gives every open a fresh directory', async () => {
    const a = await open(read(FRONT_CENTER_WAV), 'audio');
    const b = await open(read(FRONT_CENTER_WAV), 'audio');
    expect(dirname(a.path)).not.toBe(dirname(b.path));
    await a.close();
    await b.close();
    expect(mediaTempDirs(parent.path)).toEqual([]);
  });

  it('names each directory after its process, so the next start removes those of processes that died (removeStaleMediaDirs)', async () => {
    const file = await open(read(FRONT_CENTER_WAV), 'audio');
    const own = basename(dirname(file.path));
    expect(own).toMatch(new RegExp(`^assay-media-${process.pid}-`));
    const dead = spawnSync('true').pid; // exited and reaped: no process has this pid now
    const alive = process.ppid;
    for (const name of [`assay-media-${dead}-AbCdEf`, `assay-media-${alive}-AbCdEf`, 'assay-media-legacy', 'unrelated-dir']) {
      mkdirSync(join(parent.path, name));
      writeFileSync(join(parent.path, name, 'asset'), 'bytes');
    }
    // at start a process owns no directory yet: one with its own pid was left by an earlier holder of the pid
    const removed = await removeStaleMediaDirs(parent.path);
    expect(removed.sort()).toEqual([`assay-media-${dead}-AbCdEf`, own].sort());
    expect(readdirSync(parent.path).sort()).toEqual([`assay-media-${alive}-AbCdEf`, 'assay-media-legacy', 'unrelated-dir'].sort());
    await file.close();
    for (const name of readdirSync(parent.path)) rmSync(join(parent.path, name), { recursive: true });
  });
});

describe('openMedia: refusals, each with its reason code and no temp file left', () => {
  /** Opens, expects a refusal with `code`, checks the temp dirs are gone; returns the error and what was spawned. */
  async function refused(
    bytes: Uint8Array,
    kind: MediaKind,
    code: ErrorCode,
    limits: MediaLimits = LIMITS,
  ): Promise<{ error: AssayError; spawned: string[][] }> {
    const spawned: string[][] = [];
    const error = await rejectionOf(open(bytes, kind, limits, { onSpawn: (tool, args) => spawned.push([tool, ...args]) }));
    expect(error).toBeInstanceOf(AssayError);
    expect((error as AssayError).code).toBe(code);
    expect(mediaTempDirs(parent.path)).toEqual([]);
    return { error: error as AssayError, spawned };
  }

  it('empty bytes → empty_content, bytes over maxBytes → file_too_large, before anything is written or run', async () => {
    const empty = await refused(new Uint8Array(0), 'video', ErrorCode.EmptyContent);
    expect(empty.error.message).toBe('the video asset is empty (0 bytes)');
    expect(empty.spawned).toEqual([]);
    const vtest = read(VTEST);
    const large = await refused(vtest, 'video', ErrorCode.FileTooLarge, { ...LIMITS, maxBytes: vtest.length - 1 });
    expect(large.error.message).toBe(`the video asset is ${vtest.length} bytes; the limit is ${vtest.length - 1}`);
    expect(large.spawned).toEqual([]);
    // exactly at the limit is accepted
    await (await open(vtest, 'video', { ...LIMITS, maxBytes: vtest.length })).close();
  });

  it('an MP4 cut in half (its moov index at the end lost) → container_unreadable from ffprobe', async () => {
    const whole = read(clips.fruitsMp4);
    const { error } = await refused(whole.subarray(0, whole.length >> 1), 'video', ErrorCode.ContainerUnreadable);
    expect(error.message).toMatch(/moov atom not found/);
  });

  it('bytes that are no container → container_unreadable', async () => {
    await refused(new TextEncoder().encode('just some text, not a video\n'.repeat(50)), 'video', ErrorCode.ContainerUnreadable);
  });

  it('a video asset without a video stream → no_video_stream; an audio asset without audio → no_audio_stream', async () => {
    const noVideo = await refused(read(FRONT_CENTER_WAV), 'video', ErrorCode.NoVideoStream);
    expect(noVideo.error.message).toBe('a video asset needs a video stream; the wav file has streams: audio');
    const noAudio = await refused(read(clips.fruitsMp4), 'audio', ErrorCode.NoAudioStream);
    expect(noAudio.error.message).toBe('an audio asset needs an audio stream; the mov,mp4,m4a,3gp,3g2,mj2 file has streams: video');
  });

  it('a stream that declares a codec but carries no picture → empty_stream from the probe (MPEG-TS cut after its first packets)', async () => {
    const ts = join(clips.dir, 'whole.ts');
    ffmpeg('-i', clips.smallMp4, '-t', '1', '-c', 'copy', '-f', 'mpegts', ts);
    // PAT, PMT and one packet of H.264: ffprobe finds the stream but never a frame size
    const { error, spawned } = await refused(read(ts).subarray(0, 3 * 188), 'video', ErrorCode.EmptyStream);
    expect(error.message).toBe('the video stream declares no frame size (0×0): no frame could be read while probing');
    expect(spawned.map(([tool]) => tool)).not.toContain('ffmpeg');
  });

  it('a codec ffprobe cannot identify → unsupported_codec (Matroska CodecID overwritten)', async () => {
    const mkv = join(clips.dir, 'h264.mkv');
    ffmpeg('-i', clips.fruitsMp4, '-t', '1', '-c', 'copy', mkv);
    const bytes = Buffer.from(readFileSync(mkv));
    const at = bytes.indexOf('V_MPEG4/ISO/AVC');
    expect(at).toBeGreaterThan(0);
    bytes.write('V_QQQQQ/ISO/AVC', at);
    const { error } = await refused(bytes, 'video', ErrorCode.UnsupportedCodec);
    expect(error.message).toBe("the video stream's codec could not be identified (matroska,webm container)");
  });

  it('a codec libavcodec knows but this build cannot decode → unsupported_codec (AVS2 in MPEG-TS)', async () => {
    // a real H.264 transport stream whose PMT declares stream_type 0xd2 (AVS2); Debian's ffmpeg has no AVS2 decoder
    const ts = join(clips.dir, 'h264.ts');
    ffmpeg('-i', clips.smallMp4, '-t', '1', '-c', 'copy', '-f', 'mpegts', ts);
    const bytes = read(ts);
    expect(retypeTsStream(bytes, 0x1b, 0xd2)).toBeGreaterThan(0);
    expect(ffprobeJson('-show_streams', derive(clips.dir, 'avs2.ts', bytes)).streams[0].codec_name).toBe('avs2');
    const { error } = await refused(bytes, 'video', ErrorCode.UnsupportedCodec);
    expect(error.message).toBe('the video codec avs2 has no decoder in this ffmpeg build');
  });

  it('a codec whose only decoder is experimental → unsupported_codec (Sonic audio in Matroska)', async () => {
    const mka = join(clips.dir, 'sonic.mka');
    ffmpeg('-i', FRONT_CENTER_WAV, '-c:a', 'sonic', '-strict', '-2', mka);
    const { error } = await refused(read(mka), 'audio', ErrorCode.UnsupportedCodec);
    expect(error.message).toBe('the sonic decoder is experimental and not enabled in this ffmpeg build');
  });

  it('knows which codecs this ffmpeg build decodes', async () => {
    const codecs = await decodableCodecs();
    for (const c of ['h264', 'vp8', 'vp9', 'msmpeg4v3', 'cinepak', 'pcm_s16le', 'vorbis', 'opus', 'ac3']) expect(codecs.has(c)).toBe(true);
    // known to libavcodec, but Debian's 5.1 build has no decoder for them
    for (const c of ['vvc', 'avs2', 'avs3']) expect(codecs.has(c)).toBe(false);
  });

  it('duration and resolution over the limits are refused from the probe alone: only ffprobe runs, never ffmpeg', async () => {
    const long = await refused(read(VTEST), 'video', ErrorCode.DurationTooLong, { ...LIMITS, maxDurationSeconds: 60 });
    expect(long.error.message).toBe('the video lasts 79.500 s; the limit is 60 s');
    const large = await refused(read(VTEST), 'video', ErrorCode.ResolutionTooLarge, { ...LIMITS, maxVideoPixels: 640 * 480 });
    expect(large.error.message).toBe('768×576 is 442368 pixels per frame; the limit is 307200');
    const audio = await refused(read(FRONT_CENTER_WAV), 'audio', ErrorCode.DurationTooLong, { ...LIMITS, maxDurationSeconds: 1 });
    expect(audio.error.message).toBe('the audio lasts 1.428 s; the limit is 1 s');
    const spawned = [...long.spawned, ...large.spawned, ...audio.spawned];
    expect(spawned.filter(([, ...args]) => args.includes('-show_streams'))).toHaveLength(3);
    expect(spawned.map(([tool]) => tool)).not.toContain('ffmpeg');
  });

  it('audio whose decoded PCM would exceed the longest allowed clip at 48 kHz stereo → audio_too_large, from the probe', async () => {
    const path = join(clips.dir, 'surround-96k.flac');
    ffmpeg('-f', 'lavfi', '-i', 'anullsrc=r=96000:cl=5.1', '-t', '2', path);
    const { error, spawned } = await refused(read(path), 'audio', ErrorCode.AudioTooLarge, { ...LIMITS, maxDurationSeconds: 3 });
    expect(error.message).toBe('2.000 s × 6 channels × 96000 Hz is 1152000 samples; the limit is 288000 (3 s at 48 kHz stereo)');
    expect(spawned.map(([tool]) => tool)).not.toContain('ffmpeg');
    // the same file within a longer limit opens
    const file = await open(read(path), 'audio', { ...LIMITS, maxDurationSeconds: 12 });
    await file.close();
  });

  it('only local files and plain containers: an HLS playlist and a concat list → container_unreadable', async () => {
    const hls = new TextEncoder().encode(`#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\nfile://${clips.fruitsMp4}\n#EXT-X-ENDLIST\n`);
    const { error } = await refused(hls, 'video', ErrorCode.ContainerUnreadable);
    expect(error.message).toMatch(/not on whitelist/);
    await refused(new TextEncoder().encode(`ffconcat version 1.0\nfile '${clips.fruitsMp4}'\n`), 'video', ErrorCode.ContainerUnreadable);
    expect(ALLOWED_DEMUXERS).not.toContain('hls');
    expect(ALLOWED_DEMUXERS).not.toContain('concat');
    // an unrestricted ffprobe follows the same playlist, so the refusal is the whitelist's doing
    const playlist = derive(clips.dir, 'list.m3u8', hls);
    expect(ffprobeJson('-protocol_whitelist', 'file', '-show_streams', playlist).streams[0].codec_name).toBe('h264');
  });
});

describe('openMedia: timeout, cancellation and a missing tool', () => {
  // ffprobe cannot be made to hang on a regular file, so a stand-in script that waits forever plays it
  it('a hanging ffprobe is killed at the time limit → decode_timeout; it and its child are gone, and so is the temp dir', async () => {
    const own = ownDir('assay-test-media-hang-');
    try {
      const tool = hangingTool(own.path, 'ffprobe');
      const started = performance.now();
      const err = await rejectionOf(
        open(read(clips.fruitsMp4), 'video', { ...LIMITS, timeoutMs: 1000 }, { tools: { ffprobe: tool.path } }),
      );
      expect(err).toMatchObject({ code: ErrorCode.DecodeTimeout, message: 'ffprobe ran over the 1000 ms limit and was killed' });
      expect(performance.now() - started).toBeLessThan(5000);
      const [script, sleeper] = tool.pids();
      expectReaped(script);
      // the grandchild was killed with the process group; init reaps it, not us
      expect([undefined, 'Z']).toContain(processState(sleeper));
      expect(mediaTempDirs(parent.path)).toEqual([]);
    } finally {
      own.remove();
    }
  });

  it('an AbortSignal kills the probe at once → AbortError; nothing is left', async () => {
    const own = ownDir('assay-test-media-abort-');
    try {
      const tool = hangingTool(own.path, 'ffprobe');
      const controller = new AbortController();
      const pending = open(read(clips.fruitsMp4), 'video', LIMITS, { tools: { ffprobe: tool.path }, signal: controller.signal });
      while (!existsSync(join(own.path, 'ffprobe.pids'))) await new Promise((r) => setTimeout(r, 10));
      const aborted = performance.now();
      controller.abort(new Error('job removed'));
      const err = await rejectionOf(pending);
      expect(performance.now() - aborted).toBeLessThan(1000);
      expect(err).toMatchObject({ name: 'AbortError', message: 'ffprobe was cancelled: job removed' });
      expect(err).not.toBeInstanceOf(AssayError);
      expectReaped(tool.pids()[0]);
      expect(mediaTempDirs(parent.path)).toEqual([]);
    } finally {
      own.remove();
    }
  });

  it('a missing ffprobe binary is an infrastructure error, not a verdict on the asset', async () => {
    const err = await rejectionOf(
      open(read(FRONT_CENTER_WAV), 'audio', LIMITS, { tools: { ffprobe: join(parent.path, 'no-such-ffprobe') } }),
    );
    expect(err).not.toBeInstanceOf(AssayError);
    expect(err.message).toMatch(/could not run .*no-such-ffprobe: spawn .* ENOENT/);
    expect(mediaTempDirs(parent.path)).toEqual([]);
  });
});
