import { defineMetric } from '../../metric.js';

export default defineMetric({
  name: 'resolution',
  version: '1.0.0',
  modality: 'image',
  description: 'Decoded width, height, megapixels and aspect ratio (after EXIF orientation).',
  scores: [
    { key: 'width', description: 'width in pixels', range: [1, null], direction: 'none', unit: 'px' },
    { key: 'height', description: 'height in pixels', range: [1, null], direction: 'none', unit: 'px' },
    { key: 'megapixels', description: 'width × height / 10⁶', range: [0, null], direction: 'none', unit: 'MP' },
    { key: 'aspect_ratio', description: 'width / height', range: [0, null], direction: 'none' },
  ],
  needs: {},
  cost: 'cpu',
  compute({ image }) {
    return {
      scores: {
        width: image.width,
        height: image.height,
        megapixels: (image.width * image.height) / 1e6,
        aspect_ratio: image.width / image.height,
      },
    };
  },
});
