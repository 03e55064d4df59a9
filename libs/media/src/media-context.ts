import type { ToolOptions } from './ffmpeg-process.js';
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
