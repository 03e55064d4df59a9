import { AssayError, ErrorCode, type MediaDecodeInfo, type MediaProbe } from '@assay/contracts';
import { decodeLumaPairs, decodeVideo, describeSampling, displaySize, openMedia, type FrameSampling, type MediaFile } from '@assay/media';
import { evaluateVideo, FrameAnalyzer, ReferenceComparator, type ReferenceSeries, type VideoInput } from '@assay/scoring';
import { openReference } from './media-reference.js';
import type { PrepareInput } from './prepared-input.js';

/**
 * Videos: probe and policy, then one ffmpeg pass that feeds every frame's luma to the temporal analysis and
 * keeps the sampled full-colour frames (only when a metric reads them). With a reference video and a
 * full-reference metric, a second pass compares the two frame by frame at full resolution.
 */
export const prepareVideo: PrepareInput = async ({ payload, suite, bytes, referenceBytes, signal }, limits) => {
  const open: MediaFile[] = [];
  try {
    const file = await openMedia(bytes, 'video', limits.media, { signal, tools: limits.tools });
    open.push(file);
    const referenceFile = referenceBytes && suite.needsReference ? await openReference(referenceBytes, 'video', limits, signal) : undefined;
    if (referenceFile) open.push(referenceFile);
    const options = suite.video;
    const analyzer = new FrameAnalyzer({ motion: suite.metrics.some((m) => m.def.name === 'motion') });
    const wanted = suite.needsSamples ? options?.sampling : undefined;
    const sampling = wanted
      ? boundedSampling(wanted, file.probe, limits.maxSampledFrames, limits.media.maxDurationSeconds)
      : { mode: 'none' as const };
    const decoded = await decodeVideo(file, {
      sampling,
      analysisMaxSide: options?.analysisMaxSide,
      onFrame: (frame) => analyzer.update(frame),
      signal,
    });
    const reference = referenceFile ? await compareWithReference(file, referenceFile, signal) : undefined;
    const input: VideoInput = {
      probe: file.probe,
      frames: { ...analyzer.series(), lumaRange: decoded.lumaRange },
      samples: decoded.samples,
      reference,
      prompt: payload.prompt,
      attributes: payload.attributes,
    };
    const media: MediaDecodeInfo = {
      decoder: decoded.decoder,
      probe: file.probe,
      framesAnalysed: decoded.framesAnalysed,
      analysisSize: decoded.analysisSize,
      framesSampled: decoded.framesSampled,
      decodedSeconds: decoded.durationSeconds,
      sampling:
        wanted && sampling !== wanted
          ? `${decoded.sampling} (the suite's ${describeSampling(wanted)} capped at MAX_SAMPLED_FRAMES)`
          : decoded.sampling,
      limits: limits.media,
    };
    return { evaluate: (ctx, onTiming) => evaluateVideo(suite.metrics, input, ctx, onTiming), media };
  } finally {
    await Promise.all(open.map((f) => f.close()));
  }
};

/**
 * The suite's sampling, or N uniformly spaced frames when it would hold more than `max` frames in memory
 * (every frame, or K per second of a long clip): the frame count is estimated from the probe; a clip of
 * unknown duration is taken to be as long as the policy allows (`maxDurationSeconds`).
 */
export function boundedSampling(sampling: FrameSampling, probe: MediaProbe, max: number, maxDurationSeconds: number): FrameSampling {
  const video = probe.video;
  const duration = video?.durationSeconds ?? probe.durationSeconds ?? maxDurationSeconds;
  const expected =
    sampling.mode === 'all'
      ? (video?.frames ?? Math.ceil(duration * (video?.frameRate || 25)))
      : sampling.mode === 'fps'
        ? Math.ceil(duration * sampling.fps)
        : sampling.mode === 'uniform'
          ? sampling.count
          : 0;
  return expected > max ? { mode: 'uniform', count: max } : sampling;
}

/**
 * Frame-by-frame PSNR and SSIM inputs against the reference. Different frame sizes are not an error of the
 * job: the full-reference metrics report `reference_size_mismatch` and every other metric still scores.
 */
async function compareWithReference(file: MediaFile, reference: MediaFile, signal?: AbortSignal): Promise<ReferenceSeries> {
  const comparator = new ReferenceComparator();
  try {
    const pairs = await decodeLumaPairs(file, reference, { onPair: (a, b) => comparator.onPair(a, b), signal });
    return comparator.series({ assetFrames: pairs.assetFrames, referenceFrames: pairs.referenceFrames });
  } catch (err) {
    if (!(err instanceof AssayError && err.code === ErrorCode.ReferenceSizeMismatch)) throw err;
    const empty = new Float64Array(0);
    return {
      count: 0,
      assetFrames: 0,
      referenceFrames: 0,
      width: 0,
      height: 0,
      mseY: empty,
      ssimY: empty,
      sizeMismatch: { asset: displaySize(file.probe.video!), reference: displaySize(reference.probe.video!) },
    };
  }
}
