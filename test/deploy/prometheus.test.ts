import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headingAnchors, metricNamesIn, parseYaml, promtool, read, run, sourceMetricNames } from './tools.js';

const ALERTS = 'deploy/prometheus/alerts.yml';
const CHART_COPY = 'helm/assay/files/alerts.yml';
const TESTS = 'deploy/prometheus/alerts.test.yml';

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
const rules = (): Rule[] => (parseYaml(read(ALERTS)).groups as { rules: Rule[] }[]).flatMap((g) => g.rules);

describe('Prometheus alerts', () => {
  it('pass promtool check rules', () => {
    const r = run(promtool(), ['check', 'rules', ALERTS]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`SUCCESS: ${rules().length} rules found`);
  });

  it('pass their promtool unit tests (alerts.test.yml)', () => {
    const r = run(promtool(), ['test', 'rules', TESTS]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('SUCCESS');
  });

  it('unit tests make at least three alerts fire and show quiet cases', () => {
    const cases = (parseYaml(read(TESTS)).tests as { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[]).flatMap((t) => t.alert_rule_test);
    const firing = new Set(cases.filter((c) => c.exp_alerts.length > 0).map((c) => c.alertname));
    const quiet = cases.filter((c) => c.exp_alerts.length === 0);
    expect(firing.size).toBeGreaterThanOrEqual(3);
    expect(quiet.length).toBeGreaterThanOrEqual(1);
    // every alert is exercised
    expect(rules().map((r) => r.alert).filter((a) => !firing.has(a))).toEqual([]);
  });

  it('cover what on-call needs', () => {
    const byName = new Map(rules().map((r) => [r.alert, r]));
    expect([...byName.keys()].sort()).toEqual(
      [
        'AssayApiErrorRatioHigh',
        'AssayComparisonsFailing',
        'AssayFinalFailureRatioHigh',
        'AssayGpuFallback',
        'AssayInferenceLatencyHigh',
        'AssayIngestDown',
        'AssayJudgeHumanAgreementLow',
        'AssayQueueStalled',
        'AssayRedisUnavailable',
        'AssayStorageUnavailable',
        'AssaySweepFailed',
        'AssaySweepLate',
        'AssayTargetDown',
        'AssayVerdictDeliveryFailing',
      ].sort(),
    );
    expect(byName.get('AssayQueueStalled')!.expr).toMatch(/assay_queue_backlog_jobs[\s\S]*unless[\s\S]*assay_jobs_total\{outcome="completed"\}/);
    expect(byName.get('AssayFinalFailureRatioHigh')!.expr).toMatch(/sum by \(namespace, reason\) \(increase\(assay_assets_failed_total/);
    expect(byName.get('AssayGpuFallback')!.expr).toMatch(/assay_model_info\{requested="cuda", provider!="cuda"\}/);
    expect(byName.get('AssayTargetDown')!.expr).toBe('up{job=~"assay-.+"} == 0');
    expect(byName.get('AssayApiErrorRatioHigh')!.expr).toMatch(/status_code=~"5\.\."/);
    expect(byName.get('AssayRedisUnavailable')!.expr).toMatch(/assay_requests_rejected_total\{code="redis_unavailable"\}/);
    expect(byName.get('AssayStorageUnavailable')!.expr).toMatch(/max by \(namespace\) \(assay_worker_paused\) == 1/);
    expect(byName.get('AssayComparisonsFailing')!.expr).toMatch(/increase\(assay_comparisons_total\{outcome="failed"\}\[1h\]\)/);
    expect(byName.get('AssayVerdictDeliveryFailing')!.expr).toMatch(/increase\(assay_verdict_deliveries_total\{outcome="failed"\}\[1h\]\)/);
    expect(byName.get('AssaySweepLate')!.expr).toMatch(/time\(\) - max by \(namespace, sweep\) \(assay_sweep_last_success_timestamp_seconds\)/);
    expect(byName.get('AssaySweepFailed')!.expr).toMatch(/increase\(assay_sweep_runs_total\{outcome="failed"\}\[1d\]\)/);
    expect(byName.get('AssayInferenceLatencyHigh')!.expr).toMatch(/histogram_quantile\(0\.95, .*assay_inference_duration_seconds_bucket/);
  });

  it('each carry a severity, a summary, a description and a runbook section that exists in docs/operations.md', () => {
    const anchors = headingAnchors(read('docs/operations.md'));
    for (const r of rules()) {
      expect(['critical', 'warning'], r.alert).toContain(r.labels.severity);
      expect(r.annotations.summary, r.alert).toBeTruthy();
      expect(r.annotations.description, r.alert).toBeTruthy();
      expect(r.annotations.runbook_url, r.alert).toBe(`docs/operations.md#${r.alert.toLowerCase()}`);
      expect(anchors.has(r.alert.toLowerCase()), `docs/operations.md has no section ${r.alert}`).toBe(true);
    }
  });

  it('use only metrics the services export', () => {
    const known = sourceMetricNames();
    expect(known.size).toBeGreaterThan(15);
    const used = rules().flatMap((r) => metricNamesIn(r.expr, known));
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((m) => !known.has(m))).toEqual([]);
  });

  it('never sum the queue gauges (every ingest pod exports the same value)', () => {
    for (const r of rules()) expect(r.expr, r.alert).not.toMatch(/sum[^()]*\(\s*assay_queue_(backlog_)?jobs/);
  });

  it('load with the example scrape configuration, whose relabeling sets job="assay-<component>"', () => {
    const example = read('deploy/prometheus/prometheus.example.yml');
    expect(example).toMatch(/target_label: job\n\s+replacement: assay-\$1/);
    expect(example).toContain('- role: pod');
    // Debian's promtool has no Kubernetes discovery compiled in: check everything else with a static target
    const checkable = example.replace(/kubernetes_sd_configs:\n(\s+)- role: pod/, 'static_configs:\n$1- targets: ["127.0.0.1:8080"]');
    expect(checkable).not.toEqual(example);
    const dir = mkdtempSync(join(tmpdir(), 'assay-prom-'));
    try {
      writeFileSync(join(dir, 'prometheus.yml'), checkable);
      copyFileSync(ALERTS, join(dir, 'alerts.yml'));
      const r = run(promtool(), ['check', 'config', join(dir, 'prometheus.yml')]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain(`SUCCESS: ${rules().length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are shipped unchanged by the Helm chart (cp deploy/prometheus/alerts.yml helm/assay/files/alerts.yml)', () => {
    expect(read(CHART_COPY)).toBe(read(ALERTS));
  });
});
