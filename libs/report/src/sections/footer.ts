import { html, type Html } from '../html.js';
import { timestamp } from '../format.js';
import type { ComparisonReportView } from '../view.js';

/** A shell word: bare when it is plainly safe, else single-quoted. */
const sh = (s: string) => (/^[A-Za-z0-9_./:@=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The command line that asks for the same comparison again (same runs, policy, slices, seed and resamples). */
export function reproduceCommand({ comparison, result }: ComparisonReportView): string {
  const policy = comparison.inlinePolicy ? null : comparison.policy || result.verdict.policy.name;
  const args = [
    'assay compare',
    sh(comparison.baselineRunId || result.baseline.runId),
    sh(comparison.candidateRunId || result.candidate.runId),
    policy ? `--policy ${sh(policy)}` : '--policy-file <the inline policy as JSON>',
    ...(comparison.slices.length ? [`--slices ${sh(comparison.slices.join(','))}`] : []),
    `--seed ${result.settings.seed}`,
    `--resamples ${result.settings.resamples}`,
  ];
  return args.join(' ');
}

export function footer(view: ComparisonReportView): Html {
  const { comparison, result } = view;
  const body = {
    baselineRunId: comparison.baselineRunId,
    candidateRunId: comparison.candidateRunId,
    policy: comparison.inlinePolicy ?? comparison.policy,
    ...(comparison.slices.length ? { slices: comparison.slices } : {}),
    seed: result.settings.seed,
    resamples: result.settings.resamples,
  };
  return html`<footer aria-labelledby="reproduce">
    <h2 id="reproduce">Reproduce</h2>
    <p>The same runs, policy, seed and resamples give the same result bit for bit:</p>
    <pre data-reproduce><code>${reproduceCommand(view)}</code></pre>
    <p>or <code>POST /v1/comparisons</code> with</p>
    <pre><code>${JSON.stringify(body, null, 2)}</code></pre>
    <dl class="settings">
      <dt>Assay version</dt>
      <dd data-assay-version="${result.assayVersion}">${result.assayVersion || '—'}</dd>
      <dt>Comparison</dt>
      <dd>
        <code>${result.id}</code>${comparison.requestId ? html`, request <code>${comparison.requestId}</code>` : ''}; started
        ${timestamp(result.createdAt)}, finished ${timestamp(result.finishedAt)}
      </dd>
      <dt>Policy</dt>
      <dd>${result.verdict.policy.name} from ${result.verdict.policy.source}</dd>
      <dt>Run-level metrics</dt>
      <dd>
        ${result.runMetrics.length ? result.runMetrics.map((m, i) => html`${i ? ', ' : ''}<code>${m.name}</code> v${m.version}`) : '—'}
      </dd>
    </dl>
  </footer>`;
}
