import type { Modality } from '@assay/contracts';

/** A named set of metrics a run is scored with. */
export interface SuiteDefinition {
  name: string;
  description: string;
  modality: Modality;
  /** metric names from the scoring registry; checked against it when a worker starts */
  metrics: string[];
}

const SUITES: readonly SuiteDefinition[] = [
  {
    name: 'image-default',
    description: 'Every image metric: resolution, sharpness, exposure, colourfulness and stray-text detection (PP-OCRv4).',
    modality: 'image',
    metrics: ['resolution', 'sharpness', 'exposure', 'colorfulness', 'text_detection'],
  },
  {
    name: 'image-fast',
    description: 'The CPU-only image metrics, without model inference.',
    modality: 'image',
    metrics: ['resolution', 'sharpness', 'exposure', 'colorfulness'],
  },
];

const BY_NAME = new Map(SUITES.map((s) => [s.name, s]));

export function getSuite(name: string): SuiteDefinition | undefined {
  return BY_NAME.get(name);
}

export function listSuites(): readonly SuiteDefinition[] {
  return SUITES;
}
