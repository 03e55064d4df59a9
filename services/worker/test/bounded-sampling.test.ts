import { describe, expect, it } from 'vitest';
import type { MediaProbe } from '@assay/contracts';
import { boundedSampling } from '@assay/worker';

const probe = (durationSeconds: number | undefined, frameRate: number, frames?: number): MediaProbe => ({
  container: 'mov,mp4,m4a,3gp,3g2,mj2',
  durationSeconds,
  bytes: 1,
  streams: ['video'],
  video: { index: 0, codec: 'h264', width: 1920, height: 1080, frameRate, frames, durationSeconds },
});

describe('boundedSampling: at most MAX_SAMPLED_FRAMES colour frames in memory per job', () => {
  it('keeps a sampling that stays within the bound, as the same object', () => {
    const uniform = { mode: 'uniform' as const, count: 8 };
    expect(boundedSampling(uniform, probe(600, 25), 64, 600)).toBe(uniform);
    const fps = { mode: 'fps' as const, fps: 2 };
    expect(boundedSampling(fps, probe(30, 25), 64, 600)).toBe(fps);
    const all = { mode: 'all' as const };
    expect(boundedSampling(all, probe(2, 25, 50), 64, 600)).toBe(all);
  });

  it('turns every frame, K per second or too many uniform frames of a long clip into N uniform frames', () => {
    expect(boundedSampling({ mode: 'all' }, probe(10, 25, 250), 64, 600)).toEqual({ mode: 'uniform', count: 64 });
    // no frame count in the container: duration × frame rate
    expect(boundedSampling({ mode: 'all' }, probe(10, 30), 64, 600)).toEqual({ mode: 'uniform', count: 64 });
    expect(boundedSampling({ mode: 'fps', fps: 2 }, probe(60, 25), 64, 600)).toEqual({ mode: 'uniform', count: 64 });
    expect(boundedSampling({ mode: 'uniform', count: 128 }, probe(60, 25), 64, 600)).toEqual({ mode: 'uniform', count: 64 });
  });

  it('takes a clip of unknown duration to be as long as the policy allows', () => {
    // 2 s of frames would fit, but nothing says the clip is 2 s long
    expect(boundedSampling({ mode: 'all' }, probe(undefined, 25), 64, 600)).toEqual({ mode: 'uniform', count: 64 });
    expect(boundedSampling({ mode: 'fps', fps: 1 }, probe(undefined, 25), 64, 600)).toEqual({ mode: 'uniform', count: 64 });
    expect(boundedSampling({ mode: 'fps', fps: 1 }, probe(undefined, 25), 64, 30)).toEqual({ mode: 'fps', fps: 1 });
  });
});
