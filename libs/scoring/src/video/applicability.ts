import { ErrorCode } from '@assay/contracts';
import { MetricNotApplicable } from '../metric.js';
import type { FrameSeries, ReferenceSeries } from './frame-series.js';

/**
 * What a video metric needs from its input, or `MetricNotApplicable` with the reason: a metric reports a
 * value only when the input defines one (no made-up 0 for a clip too short to measure).
 */

/** At least `min` analysed frames. */
export function requireFrames(frames: FrameSeries, min: number, why: string): FrameSeries {
  if (frames.count < min) throw new MetricNotApplicable(`${frames.count} frame${frames.count === 1 ? '' : 's'} decoded: ${why}`);
  return frames;
}

/** The reference comparison, or not applicable (none, different sizes, no frames compared). */
export function requireReferenceSeries(reference: ReferenceSeries | undefined): ReferenceSeries {
  if (!reference) throw new MetricNotApplicable('needs a reference video (referenceUri)');
  if (reference.sizeMismatch) {
    const { asset, reference: ref } = reference.sizeMismatch;
    throw new MetricNotApplicable(
      `reference is ${ref[0]}×${ref[1]}, the asset ${asset[0]}×${asset[1]}: full-reference metrics compare same-size frames and never resize`,
      ErrorCode.ReferenceSizeMismatch,
    );
  }
  if (!reference.count) throw new MetricNotApplicable('no frame pairs were compared');
  return reference;
}

/** Frames of the longer stream that had no partner (0 when both have the same length). */
export const unmatchedFrames = (r: ReferenceSeries) => Math.abs(r.assetFrames - r.referenceFrames);
