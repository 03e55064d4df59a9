import { ffmpegVersion, resolveTool, type FfmpegTools } from '@assay/media';

/**
 * Why this worker cannot decode video and audio, or undefined when it can: ffprobe must be found and
 * ffmpeg must run. Checked once at start-up; images do not need either.
 */
export async function mediaToolsProblem(tools?: FfmpegTools): Promise<string | undefined> {
  try {
    resolveTool('ffprobe', tools);
    await ffmpegVersion(tools);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
