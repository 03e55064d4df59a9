import { AssayError, ErrorCode } from '@assay/contracts';
import { decodeImage, type ImageLimits } from '@assay/media';
import { evaluate } from '@assay/scoring';
import type { PrepareInput } from './prepared-input.js';

/** Images: sharp under the pixel and byte limits; a reference that is not a usable image is `reference_missing`. */
export const prepareImage: PrepareInput = async ({ payload, suite, bytes, referenceBytes }, limits) => {
  const [image, reference] = await Promise.all([
    decodeImage(bytes, limits.image),
    referenceBytes ? decodeReference(referenceBytes, limits.image) : undefined,
  ]);
  return {
    evaluate: (ctx, onTiming) =>
      evaluate(suite.metrics, { image, reference, prompt: payload.prompt, attributes: payload.attributes }, ctx, onTiming),
    decode: image.info,
    embeddingSource: image,
  };
};

async function decodeReference(bytes: Uint8Array, limits: ImageLimits) {
  try {
    return await decodeImage(bytes, limits);
  } catch (err) {
    if (err instanceof AssayError)
      throw new AssayError(ErrorCode.ReferenceMissing, `the reference is not a usable image: ${err.code}: ${err.message}`);
    throw err;
  }
}
