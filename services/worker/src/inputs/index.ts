import type { Modality } from '@assay/contracts';
import { prepareAudio } from './audio-input.js';
import { prepareImage } from './image-input.js';
import type { PrepareInput } from './prepared-input.js';
import { prepareVideo } from './video-input.js';

export type { InputLimits, InputSource, PreparedInput, PrepareInput } from './prepared-input.js';

/** Input preparation per modality; a modality without one is refused with `modality_not_enabled`. */
export const INPUT_PREPARERS: Partial<Record<Modality, PrepareInput>> = {
  image: prepareImage,
  video: prepareVideo,
  audio: prepareAudio,
};
