import { z } from 'zod';
import { ScoreDirection, type MetricCatalogData, type MetricCatalogEntry } from '@assay/contracts';
import { frameStatsFor } from './frame-stats.js';
import type { MetricDefinition } from './metric.js';
import type { MetricRegistry } from './registry.js';

/** The static part of a definition: everything but `compute` and the parameter parser (as JSON Schema). */
export function catalogEntry(def: MetricDefinition): MetricCatalogEntry {
  const params = def.params ? (z.toJSONSchema(def.params, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>) : undefined;
  if (params) delete params.$schema;
  return {
    name: def.name,
    version: def.version,
    modality: def.modality,
    description: def.description,
    scores: def.scores.map(({ key, description, range, direction, unit }) => ({
      key,
      description,
      range,
      direction,
      ...(unit ? { unit } : {}),
    })),
    fingerprints: def.fingerprints ?? [],
    needs: {
      prompt: def.needs.prompt ?? false,
      reference: def.needs.reference ?? false,
      models: def.needs.models ?? [],
      files: def.needs.files ?? [],
      samples: def.needs.samples ?? false,
    },
    cost: def.cost,
    ...(params ? { params } : {}),
  };
}

/** The metric catalog as data (libs/metric-catalog/metric-catalog.json, written by `npm run catalog`). */
export function metricCatalogData(registry: MetricRegistry): MetricCatalogData {
  return {
    schemaVersion: 1,
    frameStats: Object.fromEntries(ScoreDirection.options.map((d) => [d, frameStatsFor(d)])) as MetricCatalogData['frameStats'],
    metrics: registry
      .all()
      .sort((a, b) => a.modality.localeCompare(b.modality) || a.name.localeCompare(b.name))
      .map(catalogEntry),
  };
}
