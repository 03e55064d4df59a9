import { AssayError, ErrorCode, type MediaProbe } from '@assay/contracts';
import { runTool, stderrSummary, type ToolOptions } from './ffmpeg-process.js';
import { inputArgs } from './media-policy.js';

/** The fields of one stream of `ffprobe -print_format json -show_streams` that are read here. */
export interface FfprobeStream {
  index: number;
  codec_name?: string;
  codec_type?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  color_range?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  time_base?: string;
  nb_frames?: string;
  duration?: string;
  sample_rate?: string;
  channels?: number;
  channel_layout?: string;
  disposition?: Record<string, number>;
  tags?: Record<string, string>;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}

export interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string; size?: string; bit_rate?: string };
}

export interface ProbeOptions extends ToolOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Runs ffprobe on a local file (local protocol and demuxer whitelist as for decoding). An unreadable,
 * truncated or disallowed container is `container_unreadable` with ffprobe's own message; a stream whose
 * only decoder is experimental is `unsupported_codec`.
 */
export async function ffprobe(path: string, options: ProbeOptions): Promise<FfprobeOutput> {
  const args = ['-hide_banner', '-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', ...inputArgs(path)];
  const result = await runTool('ffprobe', args, { ...options, what: 'ffprobe', maxStdoutBytes: 4 * 1024 * 1024 });
  if (result.exitCode !== 0) {
    // ffprobe opens every stream's decoder and stops at one that is experimental (ffmpeg refuses it as well)
    const experimental = /decoder '([^']+)' is experimental/.exec(result.stderrTail)?.[1];
    if (experimental) {
      throw new AssayError(ErrorCode.UnsupportedCodec, `the ${experimental} decoder is experimental and not enabled in this ffmpeg build`);
    }
    throw new AssayError(ErrorCode.ContainerUnreadable, `the container could not be read: ${stderrSummary(result.stderrTail)}`);
  }
  let parsed: FfprobeOutput;
  try {
    parsed = JSON.parse(result.stdout.toString('utf8')) as FfprobeOutput;
  } catch {
    throw new AssayError(ErrorCode.ContainerUnreadable, 'ffprobe printed no readable description of the container');
  }
  if (!parsed.format)
    throw new AssayError(ErrorCode.ContainerUnreadable, `the container could not be read: ${stderrSummary(result.stderrTail)}`);
  return parsed;
}

function num(value: string | number | undefined): number | undefined {
  if (value === undefined || value === 'N/A') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** `30000/1001` → 29.97; `0/0` → 0. */
export function parseRate(value: string | undefined): number {
  if (!value) return 0;
  const [a, b] = value.split('/').map(Number);
  const rate = b === undefined ? a : b ? a / b : 0;
  return Number.isFinite(rate) && rate > 0 ? rate : 0;
}

/** Cover art (mp3, m4a) and thumbnails are video streams that are not the video. */
function isPicture(stream: FfprobeStream): boolean {
  return Boolean(stream.disposition?.attached_pic || stream.disposition?.timed_thumbnails);
}

/** The stream a video asset is decoded from: the first real video stream. */
export function primaryVideo(raw: FfprobeOutput): FfprobeStream | undefined {
  return raw.streams?.find((s) => s.codec_type === 'video' && !isPicture(s));
}

export function primaryAudio(raw: FfprobeOutput): FfprobeStream | undefined {
  return raw.streams?.find((s) => s.codec_type === 'audio');
}

function rotationOf(stream: FfprobeStream): number | undefined {
  const fromMatrix = stream.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation;
  if (fromMatrix !== undefined) return fromMatrix;
  const tag = num(stream.tags?.rotate);
  return tag === undefined ? undefined : -tag; // the old `rotate` tag turns clockwise; the display matrix counter-clockwise
}

/** Maps ffprobe's JSON to the `MediaProbe` contract; a duration nobody declares stays undefined. */
export function toMediaProbe(raw: FfprobeOutput, bytes: number): MediaProbe {
  const streams = raw.streams ?? [];
  const streamDurations = streams.map((s) => num(s.duration)).filter((d): d is number => d !== undefined);
  const probe: MediaProbe = {
    container: raw.format?.format_name ?? 'unknown',
    bytes,
    streams: streams.map((s) => s.codec_type ?? 'unknown'),
  };
  const containerDuration = num(raw.format?.duration);
  if (containerDuration !== undefined) {
    probe.durationSeconds = containerDuration;
    probe.durationSource = 'container';
  } else if (streamDurations.length) {
    probe.durationSeconds = Math.max(...streamDurations);
    probe.durationSource = 'stream';
  }
  const bitRate = num(raw.format?.bit_rate);
  if (bitRate !== undefined) probe.bitRate = bitRate;
  const v = primaryVideo(raw);
  if (v) {
    probe.video = {
      index: v.index,
      codec: v.codec_name ?? 'none',
      width: v.width ?? 0,
      height: v.height ?? 0,
      frameRate: parseRate(v.avg_frame_rate) || parseRate(v.r_frame_rate),
    };
    const frames = num(v.nb_frames);
    if (frames !== undefined) probe.video.frames = Math.round(frames);
    const duration = num(v.duration);
    if (duration !== undefined) probe.video.durationSeconds = duration;
    if (v.pix_fmt) probe.video.pixelFormat = v.pix_fmt;
    const rotation = rotationOf(v);
    if (rotation !== undefined) probe.video.rotation = rotation;
  }
  const a = primaryAudio(raw);
  if (a) {
    probe.audio = {
      index: a.index,
      codec: a.codec_name ?? 'none',
      sampleRate: Math.round(num(a.sample_rate) ?? 0),
      channels: a.channels ?? 0,
    };
    if (a.channel_layout) probe.audio.channelLayout = a.channel_layout;
    const duration = num(a.duration);
    if (duration !== undefined) probe.audio.durationSeconds = duration;
  }
  return probe;
}

/**
 * The span of one stream's packet timestamps (first pts to last pts + duration), read by demuxing without
 * decoding: for containers that declare no duration (a FLAC whose STREAMINFO says 0 samples, a Matroska
 * written live). Timestamps can still lie, so the decoders hold the limits again on what they decode.
 * Undefined when no packet has a timestamp.
 */
export async function packetSpanSeconds(path: string, streamIndex: number, options: ProbeOptions): Promise<number | undefined> {
  let first: number | undefined;
  let end: number | undefined;
  let text = '';
  const line = (l: string) => {
    const [pts, duration] = l.split(',').map(Number);
    if (!Number.isFinite(pts)) return;
    first = first === undefined ? pts : Math.min(first, pts);
    const stop = pts + (Number.isFinite(duration) ? duration : 0);
    end = end === undefined ? stop : Math.max(end, stop);
  };
  const args = [
    '-hide_banner',
    '-v',
    'error',
    '-select_streams',
    String(streamIndex),
    '-show_entries',
    'packet=pts_time,duration_time',
    '-of',
    'csv=p=0',
    ...inputArgs(path),
  ];
  const result = await runTool('ffprobe', args, {
    ...options,
    what: 'ffprobe reading packet timestamps',
    pipes: {
      1: (chunk) => {
        text += chunk.toString('latin1');
        const lines = text.split('\n');
        text = lines.pop() ?? '';
        lines.forEach(line);
      },
    },
  });
  line(text);
  if (result.exitCode !== 0)
    throw new AssayError(ErrorCode.ContainerUnreadable, `the container could not be read: ${stderrSummary(result.stderrTail)}`);
  return first === undefined || end === undefined ? undefined : end - first;
}

const decoders = new Map<string, Promise<ReadonlySet<string>>>();

/**
 * Codec names this ffmpeg build can decode (`ffprobe -codecs`, flag D), cached per binary. ffprobe and
 * ffmpeg link the same libavcodec, so asking ffprobe keeps the probe step to ffprobe processes only.
 */
export function decodableCodecs(options: ToolOptions = {}): Promise<ReadonlySet<string>> {
  const key = options.tools?.ffprobe ?? '';
  let set = decoders.get(key);
  if (!set) {
    set = runTool('ffprobe', ['-hide_banner', '-codecs'], { ...options, what: 'ffprobe -codecs', timeoutMs: 10_000 }).then((r) => {
      const names = new Set<string>();
      for (const line of r.stdout.toString('utf8').split('\n')) {
        const m = /^ ([D.])([E.])([VASDT.])\S* +(\S+)/.exec(line);
        if (m && m[1] === 'D' && m[4] !== '=') names.add(m[4]);
      }
      if (!names.size) throw new Error('ffprobe -codecs listed no decoders');
      return names;
    });
    set.catch(() => decoders.delete(key));
    decoders.set(key, set);
  }
  return set;
}
