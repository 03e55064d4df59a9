import { describe, expect, it } from 'vitest';
import { MetricCatalog } from '@assay/metric-catalog';

describe('metric catalog (data, no implementations loaded)', () => {
  const catalog = MetricCatalog.load();

  it('describes a score of a record by its flattened key', () => {
    expect(catalog.score('clip_score.clip_score')).toMatchObject({
      name: 'clip_score.clip_score',
      metric: 'clip_score',
      modality: 'image',
      direction: 'higher',
      range: [0, 100],
    });
    expect(catalog.score('brisque.score')).toMatchObject({ direction: 'lower', range: [0, 100] });
    expect(catalog.score('loudness.integrated_lufs')).toMatchObject({ direction: 'none', unit: 'LUFS', modality: 'audio' });
    expect(catalog.score('clip_score.clip_score')?.metricVersion).toBe(catalog.metric('clip_score')?.version);
  });

  it('knows the per-frame statistics an image metric reports in a video suite, by direction', () => {
    expect(catalog.score('sharpness.laplacian_variance.p5')).toMatchObject({ frameStat: 'p5', direction: 'higher', modality: 'image' });
    expect(catalog.score('brisque.score.p95')).toMatchObject({ frameStat: 'p95', direction: 'lower' });
    // the worst-frame statistic of the other direction is not reported
    expect(catalog.score('brisque.score.p5')).toBeUndefined();
    // only image metrics run per frame
    expect(catalog.score('loudness.integrated_lufs.mean')).toBeUndefined();
  });

  it('answers undefined for what no metric reports', () => {
    expect(catalog.score('nope.score')).toBeUndefined();
    expect(catalog.score('brisque.nope')).toBeUndefined();
    expect(catalog.score('brisque')).toBeUndefined();
    expect(catalog.score('sharpness.laplacian_variance.p5.extra')).toBeUndefined();
  });

  it('declares a direction, a range and a version for every score', () => {
    expect(catalog.all().length).toBeGreaterThan(30);
    for (const m of catalog.all()) {
      expect(m.version).toMatch(/^\d+\.\d+\.\d+$/);
      for (const s of m.scores) {
        expect(['higher', 'lower', 'none']).toContain(s.direction);
        expect(s.range).toHaveLength(2);
      }
    }
  });
});
