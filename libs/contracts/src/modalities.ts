/** Every modality Assay knows. Only `ENABLED_MODALITIES` are scored today; the rest are refused with `modality_not_enabled`. */
export const Modality = {
  Image: 'image',
  Video: 'video',
  Audio: 'audio',
  ThreeD: '3d',
} as const;
export type Modality = (typeof Modality)[keyof typeof Modality];

export const MODALITIES = ['image', 'video', 'audio', '3d'] as const satisfies readonly Modality[];
export const ENABLED_MODALITIES: readonly Modality[] = [Modality.Image, Modality.Video, Modality.Audio];

export function isModalityEnabled(modality: Modality): boolean {
  return ENABLED_MODALITIES.includes(modality);
}
