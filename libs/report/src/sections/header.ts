import type { ComparisonResult, RunRef } from '@assay/contracts';
import { html, type Html } from '../html.js';
import { count, level, num, pct, timestamp } from '../format.js';
import { VERDICT_MEANING, VERDICT_TEXT } from '../labels.js';
import type { ComparisonReportView } from '../view.js';

const PAIRING_KEY: Record<ComparisonResult['pairing']['key'], string> = {
  prompt_id: 'attributes.promptId',
  prompt: 'exact prompt text',
  none: 'no key shared by both runs',
};

function runCard(role: string, r: RunRef): Html {
  return html`<div class="run" data-run="${role}">
    <h3>${role}</h3>
    <dl>
      <dt>Name</dt>
      <dd data-field="name">${r.name}</dd>
      <dt>Run id</dt>
      <dd><code data-field="runId">${r.runId}</code></dd>
      <dt>Model version</dt>
      <dd><code data-field="modelVersion">${r.modelVersion}</code></dd>
      <dt>Suite</dt>
      <dd>${r.suite} (${r.modality})</dd>
      <dt>Assets</dt>
      <dd>${count(r.completed)} completed, ${count(r.failed)} failed of ${count(r.records)}</dd>
      <dt>Closed</dt>
      <dd>${timestamp(r.closedAt)}</dd>
    </dl>
  </div>`;
}

/** Number of statistical judgements the gate level was divided over: 1 − gateLevel = alpha / k. */
export function bonferroniK(alpha: number, gateLevel: number): number | null {
  const k = alpha / (1 - gateLevel);
  return Number.isFinite(k) && k >= 1 ? Math.round(k) : null;
}

export function header({ comparison, result }: ComparisonReportView): Html {
  const v = result.verdict;
  const s = result.settings;
  const p = result.pairing;
  const counts = { fail: 0, inconclusive: 0, pass: 0, skipped: 0 };
  for (const c of v.criteria) counts[c.outcome]++;
  const k = bonferroniK(s.alpha, s.gateLevel);
  const gateText =
    k === null
      ? html`criteria are judged at ${level(s.gateLevel)}`
      : html`criteria are judged at ${level(s.gateLevel)} = 1 − α / k with α = ${num(s.alpha)} and k = ${k} statistical judgements
        (Bonferroni): each criterion's interval is wider than the tables' so the chance that any one of them is wrong by chance stays within
        α`;
  return html`<header class="top">
    <p class="kicker">Assay launch comparison · policy <strong data-policy="${v.policy.name}">${v.policy.name}</strong></p>
    <h1>${result.candidate.name} <span class="vs">vs</span> ${result.baseline.name}</h1>
    <section class="verdict verdict-${v.outcome}" data-verdict="${v.outcome}" aria-label="Verdict">
      <p class="verdict-word"><span class="verdict-label">Verdict:</span> <strong>${VERDICT_TEXT[v.outcome]}</strong></p>
      <p class="verdict-meaning">${VERDICT_MEANING[v.outcome]}</p>
      <p class="verdict-counts" data-counts="${JSON.stringify(counts)}">
        ${v.criteria.length} criteria: ${counts.fail} fail, ${counts.inconclusive} inconclusive, ${counts.pass} pass, ${counts.skipped}
        skipped
      </p>
    </section>
    <p class="policy-desc">${v.policy.description}</p>
    <h2 id="runs">Runs</h2>
    <div class="runs">${runCard('Baseline', result.baseline)}${runCard('Candidate', result.candidate)}</div>
    <h2 id="settings">Settings</h2>
    <dl class="settings">
      <dt>Comparison</dt>
      <dd>
        <code data-comparison-id="${result.id}">${result.id}</code>, requested ${timestamp(comparison.createdAt)}, computed
        ${timestamp(result.finishedAt)}
      </dd>
      <dt>Intervals</dt>
      <dd data-level="${s.level}">tables and charts at ${level(s.level)}; α = ${num(s.alpha)}</dd>
      <dt>Gate level</dt>
      <dd data-gate-level="${s.gateLevel}">${gateText}</dd>
      <dt>Resampling</dt>
      <dd>
        seed <code data-seed="${s.seed}">${s.seed}</code>, ${count(s.resamples)} bootstrap resamples (normal-theory intervals above
        ${count(s.bootstrapMaxN)} values per side)
      </dd>
      <dt>Multiple testing</dt>
      <dd>score p-values adjusted by ${s.multipleTesting === 'holm' ? 'Holm' : 'Benjamini–Hochberg'}</dd>
      <dt>Pairing</dt>
      <dd data-paired="${String(p.paired)}">
        ${p.paired ? 'paired' : 'unpaired'} analysis: ${count(p.pairs)} pairs matched on ${PAIRING_KEY[p.key]} (${pct(p.share)} of the
        larger side; paired when ≥ 80 %)${p.duplicateKeys > 0 ? `, ${count(p.duplicateKeys)} duplicate keys left unpaired` : ''}
      </dd>
      <dt>Slices</dt>
      <dd>
        ${s.slices.length ? s.slices.join(', ') : 'none'}${s.slices.length ? ` (judged from ${count(s.sliceMinN)} candidate assets)` : ''}
      </dd>
    </dl>
  </header>`;
}
