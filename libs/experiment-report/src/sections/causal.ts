import type { CausalAnalysis } from '@assay/contracts';
import { count, interval, num, pValue, signed } from '../format.js';
import { html, type Html } from '../html.js';
import { balancePlot } from '../svg/balance.js';
import { forestPlot, type ForestItem } from '../svg/forest.js';
import { overlapChart } from '../svg/overlap.js';

const METHOD_LONG = {
  naive: 'difference in means, unadjusted',
  regression: 'outcome regression on the confounders',
  ipw: 'inverse propensity weighting',
  aipw: 'augmented IPW, doubly robust',
} as const;

type Treatment = CausalAnalysis['request']['treatment'];

/** What "treated" meant, in words. */
export function treatmentText(t: Treatment): Html {
  if ('score' in t) {
    return t.above !== undefined
      ? html`score <code>${t.score}</code> above ${num(t.above)}`
      : html`score <code>${t.score}</code> in the top ${num((t.topShare ?? 0) * 100)} % of the joined assets`;
  }
  return t.equals === undefined
    ? html`attribute <code>${t.attribute}</code> is true`
    : html`attribute <code>${t.attribute}</code> = <code>${String(t.equals)}</code>`;
}

const METHODS = [
  { key: 'naive', name: 'Naive', detail: 'unadjusted' },
  { key: 'regression', name: 'Regression', detail: 'outcome model' },
  { key: 'ipw', name: 'IPW', detail: 'propensity weights' },
  { key: 'aipw', name: 'AIPW', detail: 'doubly robust' },
] as const;

export function causalSection(c: CausalAnalysis): Html {
  const r = c.request;
  const level = `${num((1 - r.alpha) * 100)} % CI`;
  const outcome = `${r.outcome.numerator}s per ${r.outcome.denominator}`;
  const estimates = METHODS.map((m) => ({ ...m, e: c[m.key] }));
  const items: ForestItem[] = estimates.map((m) => ({
    group: 'Estimates of the effect',
    label: m.name,
    detail: m.detail,
    seriesIndex: 0,
    estimate: m.e.estimate,
    ci: m.e.ci,
    text: `${signed(m.e.estimate)} ${interval(m.e.ci, signed)}`,
    attrs: html`data-method="${m.key}"`,
  }));
  const excluded = Object.entries(c.assets.excluded).filter(([, n]) => n > 0);
  return html`<section aria-labelledby="causal" class="causal">
    <h2 id="causal">Which attributes drive engagement (observational)</h2>
    <div class="callout" data-assumptions>
      <p><strong>Observational estimates, not an experiment.</strong> ${c.assumptions}</p>
      <p class="small">
        They hold only if no unmeasured confounder affects both the attribute and engagement, treated and control assets overlap, and the
        models are right. Read them as leads for an A/B test, not as proof.
      </p>
    </div>
    <dl>
      <dt>Treated</dt>
      <dd>${treatmentText(r.treatment)}</dd>
      <dt>Outcome</dt>
      <dd>
        ${outcome} per asset (mean ${num(c.outcomeMean)}); assets with fewer than ${count(r.minExposures)} ${r.outcome.denominator}s left
        out
      </dd>
      <dt>Adjusted for</dt>
      <dd>${r.confounders.length ? r.confounders.map((k, i) => html`${i ? ', ' : ''}<code>${k}</code>`) : 'nothing'}</dd>
      <dt>Assets</dt>
      <dd>
        ${count(c.assets.joined)} joined: ${count(c.assets.treated)} treated, ${count(c.assets.control)}
        control${
          excluded.length ? html`; excluded ${excluded.map(([k, n], i) => html`${i ? ', ' : ''}${count(n)} ${k.replace(/_/g, ' ')}`)}` : ''
        }
      </dd>
    </dl>
    <h3>Effect on ${outcome}</h3>
    <figure>
      ${forestPlot(items, {
        id: 'causal-forest',
        title: `Forest plot of four estimates of the effect of the treatment on ${outcome} (naive, regression, IPW, AIPW) with ${level}s`,
        fmtTick: (x) => signed(x, 2),
        axisLabel: `difference in ${outcome}, treated − control`,
        lowerText: '← treated lower',
        higherText: 'treated higher →',
        ciText: level,
      })}
      <figcaption>Difference in ${outcome}; the naive one ignores the confounders, AIPW is the headline estimate.</figcaption>
    </figure>
    <div class="table-wrap">
      <table class="causal-estimates">
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col">Estimate</th>
            <th scope="col">${level}</th>
            <th scope="col">SE</th>
            <th scope="col">p</th>
          </tr>
        </thead>
        <tbody>
          ${estimates.map(
            (m) =>
              html`<tr data-method="${m.key}">
                <th scope="row">
                  ${m.name}
                  <span class="muted small">${METHOD_LONG[m.key]}${m.key === 'regression' ? `, ${c.regression.covType} SE` : ''}</span>
                </th>
                <td class="n">${signed(m.e.estimate)}</td>
                <td class="n">${interval(m.e.ci, signed)}</td>
                <td class="n">${num(m.e.se)}</td>
                <td class="n">${pValue(m.e.pValue)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <h3>Propensity overlap</h3>
    ${c.propensity.converged ? '' : html`<p class="bad"><strong>✗ The propensity model did not converge:</strong> the weighted estimates are unreliable.</p>`}
    <figure>
      ${overlapChart(c.overlap, 'overlap-title')}
      <figcaption>
        Where only one group has assets, the comparison rests on extrapolation.
        <strong data-trimmed="${c.overlap.trimmed}">${count(c.overlap.trimmed)}</strong>
        assets outside [${num(c.overlap.trimBounds[0])}, ${num(c.overlap.trimBounds[1])}] were trimmed.
      </figcaption>
    </figure>
    <h3>Covariate balance</h3>
    <figure>
      ${balancePlot(c.balance, 'balance-title')}
      <figcaption>
        Weighting should bring every covariate's |SMD| below 0.1; one that stays above is still confounding the estimate.
      </figcaption>
    </figure>
    <h3>Sensitivity: E-value</h3>
    <p class="evalue" data-evalue="${c.eValue.point}">
      E-value <strong>${num(c.eValue.point)}</strong> for the estimate, <strong>${num(c.eValue.ciBound)}</strong> for the confidence bound.
    </p>
    <p>
      How to read it: an unmeasured confounder would need a risk ratio of at least ${num(c.eValue.point)} with both the attribute and
      engagement to explain the effect away (${num(c.eValue.ciBound)} to make it non-significant); values near 1 mean even a weak confounder
      could.
    </p>
  </section>`;
}
