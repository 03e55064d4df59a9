import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricNamesIn, promtool, read, run, sourceMetricNames } from './tools.js';

interface Target {
  expr: string;
  refId: string;
  datasource: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
}

const dashboard = () => JSON.parse(read('deploy/grafana/assay-overview.json'));
const panels = (): Panel[] => (dashboard().panels as Panel[]).filter((p) => p.type !== 'row');
const exprs = () => panels().flatMap((p) => (p.targets ?? []).map((t) => t.expr));
/** Grafana variables replaced by values Prometheus accepts. */
const asPromql = (expr: string) => expr.replaceAll('$__rate_interval', '5m').replaceAll('$namespace', '.*');

describe('Grafana dashboard', () => {
  it('parses, with a prometheus datasource variable that every panel and query uses', () => {
    const d = dashboard();
    expect(d.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(d.uid).toBe('assay-overview');
    const ds = d.templating.list.find((v: { name: string }) => v.name === 'datasource');
    expect(ds).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const p of panels()) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of p.targets ?? []) expect(t.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
  });

  it('has targets on every panel, unique ids, and a layout inside 24 columns', () => {
    const all = dashboard().panels as Panel[];
    expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
    for (const p of panels()) {
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets!) expect(t.expr, p.title).toMatch(/\S/);
      expect(new Set(p.targets!.map((t) => t.refId)).size, p.title).toBe(p.targets!.length);
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
    }
  });

  it('shows what the overview promises', () => {
    const all = exprs().join('\n');
    expect(all).toContain('max by (queue) (assay_queue_backlog_jobs{');
    expect(all).toMatch(/rate\(assay_assets_completed_total\{/);
    expect(all).toMatch(/sum by \(reason\) \(rate\(assay_assets_failed_total\{/);
    expect(all).toMatch(/histogram_quantile\(0\.5, sum by \(le, queue\) \(rate\(assay_job_duration_seconds_bucket/);
    expect(all).toMatch(/histogram_quantile\(0\.95, sum by \(le, queue\) \(rate\(assay_job_duration_seconds_bucket/);
    expect(all).toMatch(/sum by \(le, model, provider\) \(rate\(assay_inference_duration_seconds_bucket/);
    expect(all).toMatch(/sum by \(le, metric\) \(rate\(assay_metric_duration_seconds_bucket/);
    expect(all).toMatch(/histogram_quantile\(0\.99, sum by \(le, route\) \(rate\(assay_http_request_duration_seconds_bucket/);
    expect(all).toMatch(/sum by \(code\) \(rate\(assay_requests_rejected_total\{/);
    expect(all).toMatch(/sum by \(suite, model_version\) \(increase\(assay_quality_assets_total\{[^}]*result="pass"\}\[1h\]\)\) \//);
    expect(all).toMatch(/sum by \(suite, model_version, score\) \(increase\(assay_quality_score_sum\{/);
    const table = panels().find((p) => p.type === 'table');
    expect(table?.targets?.[0].expr).toMatch(/count by \(model, version, requested, provider\) \(assay_model_info\{/);
  });

  it('uses only metrics the services export, and never sums the queue gauges', () => {
    const known = sourceMetricNames();
    const used = new Set(exprs().flatMap((e) => metricNamesIn(e, known)));
    expect(used.size).toBeGreaterThan(15);
    expect([...used].filter((m) => !known.has(m))).toEqual([]);
    for (const e of exprs()) expect(e).not.toMatch(/sum[^()]*\(\s*assay_queue_(backlog_)?jobs/);
  });

  it('has only valid PromQL (each query checked by promtool as a recording rule)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-dashboard-'));
    try {
      const rules = exprs().map((e, i) => `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(asPromql(e))}`);
      const file = join(dir, 'dashboard-rules.yml');
      writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
      const r = run(promtool(), ['check', 'rules', file]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain(`SUCCESS: ${rules.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
