import type { ComparisonResult, ScoreDelta } from '@assay/contracts';
import { dataNum, html, type Html } from '../html.js';
import { count, interval, level, num, pValue, signed } from '../format.js';
import { DIRECTION_TEXT, READING_GLYPH, READING_TEXT } from '../labels.js';
import { ecdfPlot, BASELINE_STYLE, CANDIDATE_STYLE } from '../svg/ecdf.js';
import { forestPlot, forestRow } from '../svg/forest.js';

/**
 * The non-inferiority limit a criterion puts on a score's difference, when one names it: the policy library
 * writes such a criterion's evidence as `<score> candidate − baseline = …` and its id as `non-inferiority-<score>`.
 */
export function marginFor(result: ComparisonResult, d: ScoreDelta): number | null {
  const slug = d.score.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  const c = result.verdict.criteria.find(
    (c) => c.type === 'non_inferiority' && (c.evidence.startsWith(`${d.score} candidate − baseline`) || c.id === `non-inferiority-${slug}`),
  );
  return c && Number.isFinite(c.limit) ? c.limit : null;
}

const NO_SPREAD = 'no spread on either side, divided by the row’s largest |bound|, marked *';
const NO_BASELINE_SPREAD = 'no baseline spread, divided by the candidate’s';
const EFFECT: Record<ScoreDelta['effectSize']['kind'], string> = { cohens_dz: 'd_z', hedges_g: 'g' };

function scoreRow(d: ScoreDelta): Html {
  const [lo, hi] = d.difference.ci;
  return html`<tr
    data-score="${d.score}"
    data-reading="${d.reading}"
    data-difference="${dataNum(d.difference.value)}"
    data-lo="${dataNum(lo)}"
    data-hi="${dataNum(hi)}"
    data-p="${dataNum(d.pValue)}"
    data-p-adjusted="${dataNum(d.pAdjusted)}"
  >
    <th scope="row">
      ${d.score}
      <div class="muted small">v${d.metricVersion}</div>
    </th>
    <td>${DIRECTION_TEXT[d.direction] ?? d.direction}</td>
    <td>${d.unit ?? '—'}</td>
    <td class="n">
      ${count(d.baseline.n)} / ${count(d.candidate.n)}${d.paired ? html`<div class="muted small">${count(d.pairs)} pairs</div>` : ''}
    </td>
    <td class="n">${num(d.baseline.mean)}</td>
    <td class="n">${num(d.candidate.mean)}</td>
    <td class="n">${signed(d.difference.value)}</td>
    <td class="n nowrap">
      ${interval(d.difference.ci)}
      <div class="muted small">${d.difference.method.replace(/_/g, ' ')}</div>
    </td>
    <td class="n">
      ${pValue(d.pValue)}
      <div class="muted small">${d.test.replace(/_/g, ' ')}</div>
    </td>
    <td class="n">${pValue(d.pAdjusted)}</td>
    <td class="n">${EFFECT[d.effectSize.kind]} = ${num(d.effectSize.value)}</td>
    <td class="reading reading-${d.reading}">${READING_GLYPH[d.reading]} ${READING_TEXT[d.reading]}</td>
  </tr>`;
}

export function scoresSection(result: ComparisonResult): Html {
  if (result.scores.length === 0) {
    return html`<section aria-labelledby="scores">
      <h2 id="scores">Scores</h2>
      <p>The runs share no score to compare.</p>
    </section>`;
  }
  const lvl = level(result.settings.level);
  const rows = result.scores.map((d) => forestRow(d, marginFor(result, d)));
  const fallback = rows.filter((r) => r.scaleKind !== 'baseline_sd');
  const hasMargin = rows.some((r) => r.margin !== null);
  return html`<section aria-labelledby="scores">
    <h2 id="scores">Scores</h2>
    <h3 id="forest">Differences at a glance</h3>
    <figure class="forest-figure">
      ${forestPlot(rows, lvl)}
      <figcaption>
        Candidate − baseline for each score: the circle is the difference, the bar its ${lvl} confidence interval, the vertical line zero
        (no difference). Each row is divided by that score's <strong>baseline standard deviation</strong> so scores on different scales
        share one
        axis${
          fallback.length
            ? html` (${fallback.map((r) => r.score).join(', ')}:
              ${fallback.some((r) => r.scaleKind === 'largest_bound') ? NO_SPREAD : NO_BASELINE_SPREAD})`
            : ''
        }.
        Right is a higher score, which is better only for scores where higher is better: read each row’s colour and words, not its
        side.${hasMargin ? html` A dashed tick marks a non-inferiority limit the policy sets on that score.` : ''}
      </figcaption>
    </figure>
    <h3 id="score-table">Score table</h3>
    <div class="table-wrap">
      <table class="scores">
        <thead>
          <tr>
            <th scope="col">Score</th>
            <th scope="col">Direction</th>
            <th scope="col">Unit</th>
            <th scope="col">n baseline / candidate</th>
            <th scope="col">Baseline mean</th>
            <th scope="col">Candidate mean</th>
            <th scope="col">Difference</th>
            <th scope="col">${lvl} CI</th>
            <th scope="col">p</th>
            <th scope="col">Adjusted p</th>
            <th scope="col">Effect size</th>
            <th scope="col">Reading</th>
          </tr>
        </thead>
        <tbody>
          ${result.scores.map(scoreRow)}
        </tbody>
      </table>
    </div>
    <h3 id="distributions">Distributions</h3>
    <p>
      Each side's cumulative distribution, drawn through its quantiles at 0, 5, …, 100 %. Legend: baseline is the
      <span class="key-baseline">${BASELINE_STYLE.name}</span>, candidate the <span class="key-candidate">${CANDIDATE_STYLE.name}</span>. A
      curve further right has higher values.
    </p>
    <div class="ecdf-grid">
      ${result.scores.map(
        (d, i) =>
          html`<figure class="ecdf-figure" data-ecdf="${d.score}">
            <figcaption>
              <strong>${d.score}</strong>
              <span class="muted small"
                >baseline n = ${count(d.baseline.n)}, median ${num(d.baseline.median)}; candidate n = ${count(d.candidate.n)}, median
                ${num(d.candidate.median)}</span
              >
            </figcaption>
            ${ecdfPlot(d, `ecdf-title-${i}`)}
          </figure>`,
      )}
    </div>
  </section>`;
}
