/** `npm run catalog`: writes the metric catalog (the static part of every metric) where @assay/metric-catalog reads it. */
import { writeFileSync } from 'node:fs';
import { metricCatalogData } from './catalog.js';
import { MetricRegistry } from './registry.js';

const out = process.argv[2];
if (!out) throw new Error('usage: write-catalog <file.json>');
writeFileSync(out, `${JSON.stringify(metricCatalogData(await MetricRegistry.load()), null, 2)}\n`);
process.stdout.write(`wrote ${out}\n`);
