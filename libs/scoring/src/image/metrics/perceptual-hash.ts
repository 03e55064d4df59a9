import { defineMetric } from '../../metric.js';
import { dhash64, phash64 } from '../hash/perceptual.js';
import { lumaOf } from '../pixels.js';

/**
 * Fingerprints for near-duplicate detection, not scores: `phash` (DCT) and `dhash` (gradient), each 64
 * bits as 16 hex digits, compared by Hamming distance. Resizing is exact area averaging in TypeScript, so
 * hashes do not move with libvips versions. Defined for every decodable image (a constant one hashes to
 * phash 8000000000000000, or 0 when black, and dhash 0000000000000000).
 */
export default defineMetric({
  name: 'perceptual_hash',
  version: '1.0.0',
  modality: 'image',
  description:
    'Perceptual hashes of BT.601 luma: pHash (32×32 DCT, 8×8 low frequencies vs their median) and dHash (9×8 horizontal gradient signs).',
  scores: [],
  fingerprints: ['phash', 'dhash'],
  needs: {},
  cost: 'cpu',
  compute({ image }) {
    const y = lumaOf(image);
    return { scores: {}, fingerprints: { phash: phash64(y, image.width, image.height), dhash: dhash64(y, image.width, image.height) } };
  },
});
