import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssayError, ErrorCode } from '@assay/contracts';
import type { ToolOptions } from './ffmpeg-process.js';
import { rememberContext } from './media-context.js';
import { checkMediaPolicy } from './media-policy.js';
import type { MediaFile, MediaKind, MediaLimits } from './media-types.js';
import { decodableCodecs, ffprobe, packetSpanSeconds, toMediaProbe } from './probe.js';

export interface OpenMediaOptions extends ToolOptions {
  /** cancels the probe (job cancellation) */
  signal?: AbortSignal;
  /** parent of the private temp directory (default `os.tmpdir()`) */
  tmpDir?: string;
}

export const MEDIA_TEMP_PREFIX = 'assay-media-';

/** `assay-media-<owner pid>-<random>`: the pid tells a later process whether the owner is still alive */
const OWNED_TEMP_DIR = new RegExp(`^${MEDIA_TEMP_PREFIX}(\\d+)-`);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Removes the temp directories of processes that died without cleaning up (SIGKILL, OOM kill): those whose
 * owner pid no longer runs, and those with this process's own pid, which an earlier process with the same
 * pid left (a restarted container is pid 1 again). Call once at start, before any job opens media, with
 * the `tmpDir` openMedia uses. Returns the names removed.
 */
export async function removeStaleMediaDirs(tmpDir: string = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(tmpDir).catch(() => [] as string[])) {
    const owner = Number(OWNED_TEMP_DIR.exec(name)?.[1] ?? NaN);
    if (!Number.isInteger(owner) || (owner !== process.pid && isAlive(owner))) continue;
    await rm(join(tmpDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * Puts an uploaded video or audio asset on local disk and probes it, then applies the policy from the probe
 * before any decoding: empty or oversized input, unreadable container, missing stream, codec this ffmpeg
 * cannot decode, duration, resolution and frame count over the limits are refused with their reason code.
 * A container that declares no duration is measured from its packet timestamps (demuxed, not decoded). The
 * bytes go to a private temp directory (0700, file 0600, named after this process's pid) because ffmpeg must seek in
 * MP4 and MOV; the directory is removed by `close()`, or before the error when opening fails, and by
 * `removeStaleMediaDirs` at the next start when the process was killed.
 */
export async function openMedia(
  bytes: Uint8Array,
  kind: MediaKind,
  limits: MediaLimits,
  options: OpenMediaOptions = {},
): Promise<MediaFile> {
  if (bytes.byteLength === 0) throw new AssayError(ErrorCode.EmptyContent, `the ${kind} asset is empty (0 bytes)`);
  if (bytes.byteLength > limits.maxBytes) {
    throw new AssayError(ErrorCode.FileTooLarge, `the ${kind} asset is ${bytes.byteLength} bytes; the limit is ${limits.maxBytes}`);
  }
  const tools: ToolOptions = { tools: options.tools, onSpawn: options.onSpawn };
  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), `${MEDIA_TEMP_PREFIX}${process.pid}-`));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    // No extension: ffmpeg identifies the container from its content, never from a name the uploader chose.
    const path = join(dir, 'asset');
    await writeFile(path, bytes, { mode: 0o600, flag: 'wx' });
    const probeOptions = { ...tools, timeoutMs: limits.timeoutMs, signal: options.signal };
    const raw = await ffprobe(path, probeOptions);
    const probe = toMediaProbe(raw, bytes.byteLength);
    const stream = kind === 'video' ? probe.video : probe.audio;
    if (probe.durationSeconds === undefined && stream) {
      const span = await packetSpanSeconds(path, stream.index, probeOptions);
      if (span !== undefined) {
        probe.durationSeconds = span;
        probe.durationSource = 'packets';
      }
    }
    checkMediaPolicy(probe, kind, limits, await decodableCodecs(tools));
    let closed: Promise<void> | undefined;
    const file: MediaFile = {
      path,
      bytes: bytes.byteLength,
      probe,
      close: () => (closed ??= remove()),
    };
    rememberContext(file, { ...tools, kind, limits, raw });
    return file;
  } catch (err) {
    await remove();
    throw err;
  }
}
