import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '@assay/contracts';
import { EnvSchema } from '@assay/config';
import { buildOpenApi } from '@assay/ingest';
import { MetricCatalog } from '@assay/metric-catalog';
import { MetricRegistry, metricCatalogData } from '@assay/scoring';
import { SuiteCatalog } from '@assay/suites';

const read = (p: string) => readFileSync(p, 'utf8');

describe('docs stay in step with the code', () => {
  it('docs/errors.md lists every error code', () => {
    const doc = read('docs/errors.md');
    expect(ERROR_CODES.filter((c) => !doc.includes(`\`${c}\``))).toEqual([]);
  });

  it('the README configuration table lists every environment variable', () => {
    const readme = read('README.md');
    expect(Object.keys(EnvSchema.shape).filter((v) => !readme.includes(`\`${v}\``))).toEqual([]);
  });

  it('docs/openapi.json is what the code generates (npm run openapi)', () => {
    expect(JSON.parse(read('docs/openapi.json'))).toEqual(JSON.parse(JSON.stringify(buildOpenApi())));
  });

  it('docs/metrics.md describes every metric and score with its version', async () => {
    const doc = read('docs/metrics.md');
    for (const m of (await MetricRegistry.load()).all()) {
      expect(doc).toContain(`| \`${m.name}\` | ${m.version} |`);
      for (const s of m.scores) expect(doc).toContain(`\`${s.key}\``);
    }
  });

  it('the metric catalog is what the metric implementations declare (npm run catalog)', async () => {
    expect(JSON.parse(read('libs/metric-catalog/metric-catalog.json'))).toEqual(
      JSON.parse(JSON.stringify(metricCatalogData(await MetricRegistry.load()))),
    );
    expect(
      MetricCatalog.load()
        .all()
        .map((m) => m.name),
    ).toEqual(metricCatalogData(await MetricRegistry.load()).metrics.map((m) => m.name));
  });

  it('docs/suites.md describes every built-in suite', async () => {
    const doc = read('docs/suites.md');
    for (const suite of (await SuiteCatalog.load()).list()) expect(doc).toContain(`| \`${suite.name}\` |`);
  });
});
