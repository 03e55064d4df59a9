/** Every modality Assay knows; each has one descriptor in `MODALITY_DESCRIPTORS`. */
export const Modality = {
  Image: 'image',
  Video: 'video',
  Audio: 'audio',
  ThreeD: '3d',
} as const;
export type Modality = (typeof Modality)[keyof typeof Modality];

export const MODALITIES = ['image', 'video', 'audio', '3d'] as const satisfies readonly Modality[];

/** Programs besides Node a worker needs to prepare a modality's input. */
export type ExternalTool = 'ffmpeg' | 'chromium';

/**
 * What every part of Assay needs to know about one modality, as data. The table is keyed by the modality
 * enum, so a new modality does not compile until it has an entry; the layers above have their own tables of
 * the same shape (the worker's input preparers, the suites' options), checked the same way.
 */
export interface ModalityDescriptor {
  /** scored today; a disabled modality is refused with `modality_not_enabled` */
  enabled: boolean;
  /** file extension → content type: the CLI's folder scan, the upload content types */
  files: Readonly<Record<string, string>>;
  /** programs the worker needs for every suite; without one, the modality's suites are unavailable on that worker */
  tools: readonly ExternalTool[];
  /**
   * `always`: a submitted reference is fetched for every suite (a missing one is reported by the metrics);
   * `metrics`: only for a suite with a full-reference metric
   */
  reference: 'always' | 'metrics';
  /** the result record's field with the decode provenance */
  provenance: 'decode' | 'media' | 'mesh';
  /**
   * image metrics in this modality's suites run on several images of one asset and are reported as statistics
   * over them (`<metric>.<score>.<stat>`): the sampled frames of a video, the rendered views of a mesh. `tools`:
   * what making the images needs beyond `tools` (only suites with such a metric need it)
   */
  imageSamples?: { noun: 'frames' | 'views'; tools: readonly ExternalTool[] };
}

export const MODALITY_DESCRIPTORS: Readonly<Record<Modality, ModalityDescriptor>> = {
  image: {
    enabled: true,
    files: {
      '.png': 'image/png',
      '.jpg': 'image/jpeg',
      '.jpeg': 'image/jpeg',
      '.webp': 'image/webp',
      '.gif': 'image/gif',
      '.tif': 'image/tiff',
      '.tiff': 'image/tiff',
      '.avif': 'image/avif',
    },
    tools: [],
    reference: 'always',
    provenance: 'decode',
  },
  video: {
    enabled: true,
    files: {
      '.mp4': 'video/mp4',
      '.m4v': 'video/mp4',
      '.mov': 'video/quicktime',
      '.webm': 'video/webm',
      '.mkv': 'video/x-matroska',
      '.avi': 'video/x-msvideo',
    },
    tools: ['ffmpeg'],
    reference: 'metrics',
    provenance: 'media',
    imageSamples: { noun: 'frames', tools: [] },
  },
  audio: {
    enabled: true,
    files: {
      '.wav': 'audio/wav',
      '.flac': 'audio/flac',
      '.mp3': 'audio/mpeg',
      '.ogg': 'audio/ogg',
      '.oga': 'audio/ogg',
      '.opus': 'audio/ogg',
      '.m4a': 'audio/mp4',
    },
    tools: ['ffmpeg'],
    reference: 'metrics',
    provenance: 'media',
  },
  '3d': {
    enabled: true,
    files: {
      '.glb': 'model/gltf-binary',
      '.gltf': 'model/gltf+json',
      '.obj': 'model/obj',
      '.ply': 'model/ply',
      '.stl': 'model/stl',
      // a multi-file asset (glTF + .bin + textures, OBJ + MTL + textures) as one bundle
      '.zip': 'application/zip',
    },
    tools: [],
    reference: 'metrics',
    provenance: 'mesh',
    // the views are rendered by three.js in a headless browser; the geometry needs nothing
    imageSamples: { noun: 'views', tools: ['chromium'] },
  },
};

export const ENABLED_MODALITIES: readonly Modality[] = MODALITIES.filter((m) => MODALITY_DESCRIPTORS[m].enabled);

export function isModalityEnabled(modality: Modality): boolean {
  return ENABLED_MODALITIES.includes(modality);
}
