import { describe, expect, it } from 'vitest';
import { FrameAnalyzer } from '@assay/scoring';

/** Seeded 8×8 luma frames: the analyzer's storage, not its image analysis, is under test here. */
function frames(count: number, seed = 7) {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  return Array.from({ length: count }, (_, index) => ({
    index,
    time: index / 50,
    width: 8,
    height: 8,
    luma: Uint8Array.from({ length: 64 }, next),
  }));
}

describe('FrameAnalyzer storage: fixed blocks, one contiguous copy out', () => {
  it('keeps every frame’s numbers across block boundaries (9 000 frames, blocks of 4 096)', () => {
    const input = frames(9000);
    const analyzer = new FrameAnalyzer({ motion: false });
    for (const f of input) analyzer.update(f);
    const series = analyzer.series();
    expect(series.count).toBe(9000);
    for (const i of [0, 1, 4095, 4096, 4097, 8191, 8192, 8999]) {
      const { luma, time } = input[i];
      expect(series.time[i]).toBe(time);
      expect(series.meanLuma[i]).toBe(luma.reduce((a, v) => a + v, 0) / 64);
      const hist = new Uint32Array(256);
      for (const v of luma) hist[v]++;
      expect(Array.from(series.histograms.subarray(i * 256, i * 256 + 256))).toEqual(Array.from(hist));
      const prev = input[i - 1]?.luma;
      expect(series.mafd[i]).toBe(prev ? luma.reduce((a, v, p) => a + Math.abs(v - prev[p]), 0) / 64 : 0);
    }
    expect(series.histograms.length).toBe(9000 * 256);
  });

  it('without block matching, the motion columns are zeros of the right length', () => {
    const analyzer = new FrameAnalyzer({ motion: false });
    for (const f of frames(10)) analyzer.update(f);
    const series = analyzer.series();
    expect(series.motionMeasured).toBe(false);
    for (const column of [series.motion, series.motionTop, series.motionCoverage])
      expect(Array.from(column)).toEqual(new Array(10).fill(0));
  });

  it('series() is a copy: the analyzer can go on', () => {
    const analyzer = new FrameAnalyzer({ motion: false });
    const input = frames(5);
    for (const f of input.slice(0, 3)) analyzer.update(f);
    const first = analyzer.series();
    for (const f of input.slice(3)) analyzer.update(f);
    expect(first.count).toBe(3);
    expect(analyzer.series().count).toBe(5);
    expect(analyzer.series().time.slice(0, 3)).toEqual(first.time);
  });
});
