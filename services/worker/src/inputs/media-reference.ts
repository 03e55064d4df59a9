import { AssayError, ErrorCode } from '@assay/contracts';
import { openMedia, type MediaFile, type MediaKind } from '@assay/media';
import type { InputLimits } from './prepared-input.js';

/** Opens the reference asset; one that cannot be used is bad input of the job: `reference_missing`, with why. */
export async function openReference(bytes: Uint8Array, kind: MediaKind, limits: InputLimits, signal?: AbortSignal): Promise<MediaFile> {
  try {
    return await openMedia(bytes, kind, limits.media, { signal, tools: limits.tools });
  } catch (err) {
    if (err instanceof AssayError) {
      throw new AssayError(ErrorCode.ReferenceMissing, `the reference is not a usable ${kind}: ${err.code}: ${err.message}`);
    }
    throw err;
  }
}
