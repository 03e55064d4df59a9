import type { Modality } from '@assay/contracts';
import { prepareAudio } from './audio-input.js';
import { prepareImage } from './image-input.js';
import { prepareMesh } from './mesh-input.js';
import type { PrepareInput } from './prepared-input.js';
import { prepareVideo } from './video-input.js';

export type { InputLimits, InputSource, PreparedInput, PrepareInput } from './prepared-input.js';

/** Input preparation per modality, keyed by the modality enum: a new modality does not compile without one. */
export const INPUT_PREPARERS: Readonly<Record<Modality, PrepareInput>> = {
  image: prepareImage,
  video: prepareVideo,
  audio: prepareAudio,
  '3d': prepareMesh,
};
