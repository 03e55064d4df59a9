import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Readable } from 'node:stream';
import { AssayError, ErrorCode } from '@assay/contracts';

/** Paths of the binaries (the worker's FFMPEG_PATH / FFPROBE_PATH); unset ones are found on the PATH. */
export interface FfmpegTools {
  ffmpeg?: string;
  ffprobe?: string;
}

/** Options every ffmpeg-backed call accepts. */
export interface ToolOptions {
  tools?: FfmpegTools;
  /**
   * called with every command line before it is spawned (logging; tests count processes with it); the cached
   * `ffmpeg -version` of `ffmpegVersion` is not reported
   */
  onSpawn?: (tool: 'ffmpeg' | 'ffprobe', args: readonly string[]) => void;
}

export interface RunToolOptions extends ToolOptions {
  /** wall-clock limit; the process group is killed when it runs over (→ `decode_timeout`) */
  timeoutMs: number;
  /** job cancellation: the process group is killed and the call rejects with a `MediaCancelledError` */
  signal?: AbortSignal;
  /** what the process does, for messages, e.g. `ffmpeg decoding video` */
  what: string;
  /**
   * Consumers of the child's output pipes by file descriptor (1 = stdout, 3, 4, … extra pipes). Called
   * synchronously per chunk; a consumer that throws kills the process and the call rejects with its error.
   * Without a consumer for fd 1, stdout is collected (up to `maxStdoutBytes`) into the result.
   */
  pipes?: Record<number, (chunk: Buffer) => void>;
  /** bound on collected stdout; over it the process is killed and the call rejects (default 16 MiB) */
  maxStdoutBytes?: number;
  /** how much of the end of stderr is kept for error messages (default 8 KiB) */
  stderrTailBytes?: number;
}

export interface ToolResult {
  exitCode: number;
  /** collected stdout when fd 1 had no consumer, else empty */
  stdout: Buffer;
  /** the last `stderrTailBytes` of stderr */
  stderrTail: string;
}

/** A running tool: its output pipes can be paused for backpressure while the caller catches up. */
export interface ToolRun {
  readonly pid: number;
  pause(fd: number): void;
  resume(fd: number): void;
  /** kills the process group; `done` then rejects with `reason` */
  kill(reason: Error): void;
  done: Promise<ToolResult>;
}

/** Rejection of a call whose AbortSignal fired (the job was cancelled); not a property of the asset. */
export class MediaCancelledError extends Error {
  override readonly name = 'AbortError';
  constructor(what: string, reason?: unknown) {
    super(`${what} was cancelled${reason instanceof Error && reason.message ? `: ${reason.message}` : ''}`, { cause: reason });
  }
}

const resolved = new Map<string, string>();

/** Finds a binary: the explicit path, else the PATH. */
export function resolveTool(name: 'ffmpeg' | 'ffprobe', tools?: FfmpegTools): string {
  const explicit = tools?.[name];
  if (explicit) return explicit;
  const cached = resolved.get(name);
  if (cached) return cached;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      resolved.set(name, candidate);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(
    `${name} was not found on the PATH; install ffmpeg (apt-get install ffmpeg) or set ${name === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH'}`,
  );
}

/** Kills the whole process group: ffmpeg's own threads and anything it started go with it. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Spawns a tool in its own process group with stdin closed and the requested pipes, enforces the timeout
 * and the AbortSignal, and resolves once the process has exited and every pipe is drained (Node reaps the
 * child, so none is left as a zombie; it also resumes paused pipes when the child exits, so a pipe paused
 * for backpressure cannot keep a killed process from closing). A non-zero exit code is returned, not thrown: callers map it to
 * their own reason code.
 */
export function startTool(tool: 'ffmpeg' | 'ffprobe', args: readonly string[], options: RunToolOptions): ToolRun {
  const { what, timeoutMs, signal } = options;
  const command = resolveTool(tool, options.tools);
  const pipes = options.pipes ?? {};
  const maxStdout = options.maxStdoutBytes ?? 16 * 1024 * 1024;
  const tailBytes = options.stderrTailBytes ?? 8 * 1024;
  if (signal?.aborted) {
    const err = new MediaCancelledError(what, signal.reason);
    return { pid: -1, pause() {}, resume() {}, kill() {}, done: Promise.reject(err) };
  }
  const highestFd = Math.max(2, ...Object.keys(pipes).map(Number));
  const stdio: ('ignore' | 'pipe')[] = ['ignore', 'pipe', 'pipe'];
  for (let fd = 3; fd <= highestFd; fd++) stdio.push(pipes[fd] ? 'pipe' : 'ignore');

  options.onSpawn?.(tool, args);
  const child = spawn(command, [...args], { stdio, detached: true, windowsHide: true });
  let failure: Error | undefined;
  const fail = (err: Error) => {
    if (!failure) failure = err;
    killGroup(child);
  };

  const stdoutChunks: Buffer[] = [];
  let stdoutBytes = 0;
  const stderrChunks: Buffer[] = [];
  let stderrBytes = 0;

  const streams = new Map<number, Readable>();
  for (let fd = 1; fd <= highestFd; fd++) {
    const stream = child.stdio[fd] as Readable | null | undefined;
    if (!stream) continue;
    streams.set(fd, stream);
    stream.on('error', (err) => fail(err));
    if (fd === 2) {
      stream.on('data', (chunk: Buffer) => {
        stderrChunks.push(chunk);
        stderrBytes += chunk.length;
        while (stderrChunks.length > 1 && stderrBytes - stderrChunks[0].length >= tailBytes) stderrBytes -= stderrChunks.shift()!.length;
      });
      continue;
    }
    const consume = pipes[fd];
    if (consume) {
      stream.on('data', (chunk: Buffer) => {
        if (failure) return;
        try {
          consume(chunk);
        } catch (err) {
          fail(err instanceof Error ? err : new Error(String(err)));
        }
      });
    } else if (fd === 1) {
      stream.on('data', (chunk: Buffer) => {
        stdoutBytes += chunk.length;
        if (stdoutBytes > maxStdout) return fail(new AssayError(ErrorCode.DecodeError, `${what}: output exceeded ${maxStdout} bytes`));
        stdoutChunks.push(chunk);
      });
    }
  }

  const timer = setTimeout(() => {
    fail(new AssayError(ErrorCode.DecodeTimeout, `${what} ran over the ${timeoutMs} ms limit and was killed`));
  }, timeoutMs);
  const onAbort = () => fail(new MediaCancelledError(what, signal?.reason));
  signal?.addEventListener('abort', onAbort, { once: true });

  const done = new Promise<ToolResult>((resolve, reject) => {
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (err) => {
      // ENOENT / EACCES: the binary cannot run; an infrastructure fault, not a property of the asset
      settle();
      killGroup(child);
      reject(new Error(`${what}: could not run ${command}: ${err.message}`));
    });
    child.on('close', (code, killedBy) => {
      settle();
      if (failure) return reject(failure);
      const stderrTail = Buffer.concat(stderrChunks).subarray(-tailBytes).toString('utf8');
      resolve({ exitCode: code ?? (killedBy ? 128 : 1), stdout: Buffer.concat(stdoutChunks), stderrTail });
    });
  });

  return {
    pid: child.pid ?? -1,
    pause: (fd) => streams.get(fd)?.pause(),
    resume: (fd) => streams.get(fd)?.resume(),
    kill: (reason) => fail(reason),
    done,
  };
}

export function runTool(tool: 'ffmpeg' | 'ffprobe', args: readonly string[], options: RunToolOptions): Promise<ToolResult> {
  return startTool(tool, args, options).done;
}

/** The last non-empty lines of ffmpeg's stderr. */
export function stderrLines(stderrTail: string, maxLines = 4): string[] {
  return stderrTail
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-maxLines);
}

/** The last meaningful lines of ffmpeg's stderr, for an error message. */
export function stderrSummary(stderrTail: string, maxLines = 4): string {
  return stderrLines(stderrTail, maxLines).join(' | ') || 'no message';
}

/**
 * ffmpeg exits 0 on an MP4/MOV whose media data is cut short (the index promises samples the file does
 * not have; the mov demuxer logs `partial file`). Scoring the part that is there would be misleading, so
 * a truncated upload is refused as `container_unreadable` (found while decoding, not from the probe).
 */
function throwIfTruncated(stderrTail: string): void {
  if (/partial file/i.test(stderrTail)) {
    throw new AssayError(ErrorCode.ContainerUnreadable, `the container is truncated: ${stderrSummary(stderrTail, 2)}`);
  }
}

/**
 * Maps how a decoding ffmpeg ended to the asset's reason code. `stream` names it for messages (`h264
 * video`); `decoded` counts the frames or samples that came out. ffmpeg sets up a stream's filters from its
 * first decoded frame, so a stream that yields none makes it fail with `Cannot determine format of input
 * stream … after EOF`: that is an empty stream (`empty_stream`), not a decoder failure (`decode_error`).
 */
export function checkDecodeEnd(result: ToolResult, decoded: number, stream: string, unit: 'frames' | 'samples'): void {
  if (result.exitCode !== 0) {
    if (decoded === 0 && /Cannot determine format of input stream/.test(result.stderrTail)) {
      throw new AssayError(ErrorCode.EmptyStream, `the ${stream} stream has no decodable ${unit}`);
    }
    throw new AssayError(
      ErrorCode.DecodeError,
      `ffmpeg could not decode the ${stream} (exit ${result.exitCode}): ${stderrSummary(result.stderrTail)}`,
    );
  }
  throwIfTruncated(result.stderrTail);
  if (decoded === 0) throw new AssayError(ErrorCode.EmptyStream, `the ${stream} stream has no decodable ${unit}`);
}

const versions = new Map<string, Promise<string>>();

/** `ffmpeg 5.1.9`: the version of the ffmpeg binary, for provenance (cached per binary). */
export function ffmpegVersion(tools?: FfmpegTools): Promise<string> {
  const command = resolveTool('ffmpeg', tools);
  let version = versions.get(command);
  if (!version) {
    version = runTool('ffmpeg', ['-hide_banner', '-version'], {
      what: 'ffmpeg -version',
      timeoutMs: 10_000,
      tools: { ffmpeg: command },
    }).then((r) => {
      const token = /^ffmpeg version (\S+)/m.exec(r.stdout.toString('utf8'))?.[1];
      if (!token) throw new Error(`${command} -version did not print a version`);
      // Distribution builds append their revision (5.1.9-0+deb12u1); the upstream release is what matters.
      return `ffmpeg ${/^n?(\d+\.\d+(?:\.\d+)?)/.exec(token)?.[1] ?? token}`;
    });
    version.catch(() => versions.delete(command));
    versions.set(command, version);
  }
  return version;
}
