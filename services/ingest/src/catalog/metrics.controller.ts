import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { AssayError, ErrorCode, ListMetricsQuery, type MetricCatalogEntry, type MetricCatalogView } from '@assay/contracts';
import type { MetricCatalog } from '@assay/metric-catalog';
import { ApiKeyGuard } from '../http/api-key.guard.js';
import { parseQuery } from '../http/query.js';
import { METRIC_CATALOG } from '../tokens.js';

/** The metric catalog: what every score means, which way is better, its range and unit (read from data). */
@Controller('v1/metrics')
@UseGuards(ApiKeyGuard)
export class MetricsController {
  constructor(@Inject(METRIC_CATALOG) private readonly catalog: MetricCatalog) {}

  @Get()
  list(@Query() query: unknown): MetricCatalogView {
    const { modality } = parseQuery(ListMetricsQuery, query);
    return {
      frameStats: this.catalog.frameStats(),
      metrics: this.catalog.all().filter((m) => !modality || m.modality === modality),
    };
  }

  @Get(':metric')
  one(@Param('metric') name: string): MetricCatalogEntry {
    const metric = this.catalog.metric(name);
    if (!metric) throw new AssayError(ErrorCode.MetricNotFound, `no metric ${name}; GET /v1/metrics lists them`);
    return metric;
  }
}
