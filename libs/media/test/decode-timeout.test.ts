import { describe, expect, it } from 'vitest';
import type { MediaProbe } from '@assay/contracts';
import { decodeTimeoutMs } from '@assay/media';

const probe = (durationSeconds?: number): MediaProbe => ({ container: 'wav', durationSeconds, bytes: 1, streams: ['audio'] });
const limits = { maxBytes: 1, maxDurationSeconds: 600, maxVideoPixels: 1, maxVideoFrames: 1, timeoutMs: 120_000 };

describe('decodeTimeoutMs: the limit of a decoding ffmpeg grows with the clip, a probe stays at timeoutMs', () => {
  it('is timeoutMs per started minute of the probed duration, at least one', () => {
    expect(decodeTimeoutMs(probe(0), limits)).toBe(120_000);
    expect(decodeTimeoutMs(probe(12.5), limits)).toBe(120_000);
    expect(decodeTimeoutMs(probe(60), limits)).toBe(120_000);
    expect(decodeTimeoutMs(probe(60.01), limits)).toBe(240_000);
    expect(decodeTimeoutMs(probe(600), limits)).toBe(1_200_000);
  });

  it('gives a clip of unknown duration the time of the longest one the policy allows (decoding stops at the limit)', () => {
    expect(decodeTimeoutMs(probe(undefined), limits)).toBe(1_200_000);
  });
});
