import { DecodeLimiter } from './decode-limiter.js';
import type { ToolOptions } from './ffmpeg-process.js';
import { decodeTimeoutMs } from './media-policy.js';
import type { MediaKind, MediaLimits, MediaFile } from './media-types.js';
import type { FfprobeOutput } from './probe.js';

/**
 * What `openMedia` knew when it opened a file (limits, tool paths, ffprobe's raw answer), kept beside the
 * MediaFile so decoders default to the same limits and tools. Internal: not exported from the package.
 */
export interface MediaContext extends ToolOptions {
  kind: MediaKind;
  limits: MediaLimits;
  raw: FfprobeOutput;
}

const contexts = new WeakMap<MediaFile, MediaContext>();

export function rememberContext(file: MediaFile, context: MediaContext): void {
  contexts.set(file, context);
}

export function contextOf(file: MediaFile): MediaContext | undefined {
  return contexts.get(file);
}

/**
 * The tools and time limit a decoder runs with: its own options, else what `openMedia` was given (the time
 * limit scaled to the clip's length, see `decodeTimeoutMs`), and the limiter that holds the file's policy
 * while decoding (`what` names the stream in its errors). `decoder` names the decoder in the error when
 * neither says how long it may run.
 */
export function decoderSettings(
  file: MediaFile,
  options: ToolOptions & { timeoutMs?: number },
  decoder: string,
  what: string,
): { context: MediaContext | undefined; tools: ToolOptions; timeoutMs: number; limiter: DecodeLimiter | undefined } {
  const context = contextOf(file);
  const tools: ToolOptions = { tools: options.tools ?? context?.tools, onSpawn: options.onSpawn ?? context?.onSpawn };
  const timeoutMs = options.timeoutMs ?? (context && decodeTimeoutMs(file.probe, context.limits));
  if (!timeoutMs) throw new RangeError(`${decoder} needs timeoutMs (or a file from openMedia, which carries its limits)`);
  return { context, tools, timeoutMs, limiter: context && new DecodeLimiter(context.limits, file, what) };
}
