import type { RunSummary } from '@assay/contracts';

const pct = (r: number | null) => (r === null ? '-' : `${(100 * r).toFixed(1)} %`);

const fmt = (v: number) => {
  if (!Number.isFinite(v)) return '-';
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.001 || a >= 1e6)) return v.toExponential(3);
  return Number.isInteger(v) ? String(v) : v.toFixed(a < 1 ? 4 : a < 100 ? 3 : 1);
};

/** The run summary as plain-text tables. */
export function renderSummary(s: RunSummary): string {
  const lines: string[] = [];
  lines.push(`Run ${s.name} (${s.runId}), suite ${s.suite}: ${s.status}${s.final ? ', final' : ''}`);
  lines.push(
    Object.entries(s.counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(' · '),
  );
  lines.push('');
  const header = ['score', 'n', 'mean', 'std', 'min', 'p5', 'p50', 'p95', 'max'];
  const rows = Object.entries(s.scores).map(([k, v]) => [
    k,
    String(v.count),
    fmt(v.mean),
    fmt(v.std),
    fmt(v.min),
    fmt(v.p5),
    fmt(v.p50),
    fmt(v.p95),
    fmt(v.max),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  lines.push(line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line));
  const censored = Object.entries(s.censored ?? {});
  if (censored.length) {
    lines.push('', 'censored (at a floor or cap, not in the statistics above):');
    const width = Math.max(...censored.map(([k]) => k.length));
    for (const [k, c] of censored)
      lines.push(`  ${k.padEnd(width)}  ${[c.below && `${c.below} below`, c.above && `${c.above} above`].filter(Boolean).join(', ')}`);
  }
  const checked = s.passRates && s.passRates.assets.passed + s.passRates.assets.failed;
  if (s.passRates && checked) {
    const { assets, scores } = s.passRates;
    lines.push('', `thresholds: ${assets.passed} of ${checked} assets passed (${pct(assets.rate)})`);
    const width = Math.max(...Object.keys(scores).map((k) => k.length));
    for (const [k, r] of Object.entries(scores)) {
      lines.push(`  ${k.padEnd(width)}  ${r.passed}/${r.passed + r.failed} passed${r.skipped ? `, ${r.skipped} skipped` : ''}`);
    }
  }
  const nd = s.nearDuplicates;
  if (nd?.hashed) {
    lines.push(
      '',
      `near-duplicates: ${nd.assets} of ${nd.hashed} assets (${pct(nd.rate)}) in ${nd.pairs} pairs within ${nd.maxDistance} bits of ${nd.fingerprint}`,
    );
  }
  const failures = Object.entries(s.failures);
  if (failures.length) {
    lines.push('', 'failures by reason:');
    for (const [reason, n] of failures.sort((a, b) => b[1] - a[1])) lines.push(`  ${reason.padEnd(24)} ${n}`);
  }
  lines.push('', `summary: ${s.summaryUri}`, `results: ${s.resultsUri}`);
  return lines.join('\n');
}
