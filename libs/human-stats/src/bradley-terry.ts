/**
 * Bradley–Terry strengths from pairwise comparisons, optionally with Davidson's (1970) model of ties:
 * P(i beats j) = π_i/D, P(tie) = ν√(π_iπ_j)/D, D = π_i + π_j + ν√(π_iπ_j), with log-strengths θ = log π.
 * The MLE is found by Newton's method with step halving on the counts aggregated per pair of players, so
 * each iteration costs O(pairs + players³) however many comparisons there are. The log-likelihood is
 * concave in (θ, log ν) (an exponential family in its natural parameters), and the observed information
 * equals the expected one, so the inverse information at the MLE is the covariance statsmodels' Logit reports
 * for the same model without ties.
 */
import { normalIsf, requireAlpha, StatsInputError } from '@assay/stats';
import { requireMleExists } from './comparison-graph.js';
import { pairCounts, tally, type PairCounts, type PairwiseComparison } from './comparisons.js';
import { cholesky, choleskyInverse, choleskySolve } from './spd.js';

export interface BradleyTerryFit {
  /** Log-strength, reference player fixed at 0. */
  strength: number[];
  /** From the inverse observed information (0 for the reference). */
  se: number[];
  ci: [number, number][];
  /** Of the strengths (players × players; the reference's row and column are 0): var(θ_i − θ_j) = C_ii + C_jj − 2C_ij. */
  covariance: number[][];
  /** Davidson ν when ties were modelled, else null. */
  tieParameter: number | null;
  /** Per player, how many comparisons it took part in (ignored ties included). */
  comparisons: number[];
  wins: number[];
  losses: number[];
  ties: number[];
  logLikelihood: number;
  iterations: number;
  converged: boolean;
}

export interface BradleyTerryOptions {
  /**
   * 'davidson' (default) models ties when the data has any — with none, ν's MLE is 0 and the plain model is
   * fitted (tieParameter null); 'ignore' drops ties from the fit.
   */
  ties?: 'davidson' | 'ignore';
  /** The player whose strength is fixed at 0, default 0. */
  reference?: number;
  /** Default 0.95. */
  confidence?: number;
  /** Default 100. */
  maxIterations?: number;
  /** Converged when no Newton step component exceeds this, default 1e-10. */
  tolerance?: number;
}

/** Throws a ComparisonGraphError when the MLE does not exist (see comparison-graph.ts). */
export function bradleyTerry(players: number, comparisons: readonly PairwiseComparison[], opts: BradleyTerryOptions = {}): BradleyTerryFit {
  const { ties = 'davidson', reference = 0, confidence = 0.95, maxIterations = 100, tolerance = 1e-10 } = opts;
  const t = tally(players, comparisons);
  if (ties !== 'davidson' && ties !== 'ignore')
    throw new StatsInputError('invalid_argument', `ties must be davidson or ignore, got ${String(ties)}`);
  if (!Number.isInteger(reference) || reference < 0 || reference >= players) {
    throw new StatsInputError('invalid_argument', `reference must be a player index, got ${reference}`);
  }
  requireAlpha(confidence, 'confidence');
  if (players < 2) throw new StatsInputError('too_few_values', 'a ranking needs at least two players');
  const davidson = ties === 'davidson' && t.ties.some((x) => x > 0);
  const counts = pairCounts(players, comparisons, davidson);
  requireMleExists(players, counts, davidson);

  const model = new Model(players, reference, counts, davidson);
  const params = new Float64Array(model.size);
  if (davidson) {
    // ν at equal strengths: P(tie) = ν/(2 + ν) is the observed tie share τ
    const tieShare = t.ties.reduce((s, x) => s + x, 0) / 2 / comparisons.length;
    params[model.size - 1] = Math.log((2 * tieShare) / (1 - tieShare));
  }
  let current = model.evaluate(params);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    iterations++;
    const factor = cholesky(current.information, model.size);
    if (!factor) break;
    const step = choleskySolve(factor, model.size, current.gradient);
    converged = step.every((s) => Math.abs(s) <= tolerance);
    // halve until the likelihood does not drop: the full Newton step overshoots only far from the optimum
    let improved = false;
    for (let scale = 1; scale > 1e-10 && !improved; scale /= 2) {
      const trial = params.map((p, i) => p + scale * step[i]);
      const next = model.evaluate(trial);
      if (next.logLikelihood >= current.logLikelihood - 1e-12 * Math.abs(current.logLikelihood)) {
        params.set(trial);
        current = next;
        improved = true;
      }
    }
    if (!improved) break;
  }
  const factor = cholesky(current.information, model.size);
  if (!factor) throw new StatsInputError('invalid_argument', 'the Bradley–Terry information matrix is singular at the fitted strengths');
  const inverse = choleskyInverse(factor, model.size);
  const z = normalIsf((1 - confidence) / 2);
  const strength = model.strengths(params);
  const covariance = Array.from({ length: players }, (_, i) =>
    Array.from({ length: players }, (_, j) => {
      const [a, b] = [model.position[i], model.position[j]];
      return a < 0 || b < 0 ? 0 : inverse[a * model.size + b];
    }),
  );
  const se = covariance.map((row, i) => Math.sqrt(row[i]));
  return {
    strength,
    se,
    ci: strength.map((s, i) => [s - z * se[i], s + z * se[i]]),
    covariance,
    tieParameter: davidson ? Math.exp(params[model.size - 1]) : null,
    comparisons: t.wins.map((w, i) => w + t.losses[i] + t.ties[i]),
    ...t,
    logLikelihood: current.logLikelihood,
    iterations,
    converged,
  };
}

interface Evaluation {
  logLikelihood: number;
  gradient: Float64Array;
  /** −Hessian of the log-likelihood, row-major. */
  information: Float64Array;
}

/** The likelihood over the free parameters: every player's θ but the reference's, then log ν when ties are modelled. */
class Model {
  readonly size: number;
  /** Each player's parameter index, −1 for the reference. */
  readonly position: Int32Array;

  constructor(
    players: number,
    reference: number,
    private readonly counts: PairCounts,
    private readonly davidson: boolean,
  ) {
    this.position = Int32Array.from({ length: players }, (_, p) => (p === reference ? -1 : p < reference ? p : p - 1));
    this.size = players - 1 + (davidson ? 1 : 0);
  }

  strengths(params: Float64Array): number[] {
    return Array.from(this.position, (k) => (k < 0 ? 0 : params[k]));
  }

  evaluate(params: Float64Array): Evaluation {
    const { size, position, davidson } = this;
    const { low, high, lowWins, highWins, ties } = this.counts;
    const gradient = new Float64Array(size);
    const information = new Float64Array(size * size);
    const logNu = davidson ? params[size - 1] : 0;
    const tieIndex = size - 1;
    let logLikelihood = 0;
    for (let k = 0; k < low.length; k++) {
      const [i, j] = [position[low[k]], position[high[k]]];
      const d = (i < 0 ? 0 : params[i]) - (j < 0 ? 0 : params[j]);
      const n = lowWins[k] + highWins[k] + ties[k];
      let gradD: number, infoDD: number;
      if (davidson) {
        // log-probabilities over the common log D: low wins d/2, high wins −d/2, tie log ν
        const logD = logSumExp3(d / 2, -d / 2, logNu);
        const [pLow, pHigh, pTie] = [Math.exp(d / 2 - logD), Math.exp(-d / 2 - logD), Math.exp(logNu - logD)];
        logLikelihood += lowWins[k] * (d / 2 - logD) + highWins[k] * (-d / 2 - logD) + (ties[k] > 0 ? ties[k] * (logNu - logD) : 0);
        gradD = (lowWins[k] - highWins[k]) / 2 - (n * (pLow - pHigh)) / 2;
        infoDD = (n * (pLow + pHigh - (pLow - pHigh) ** 2)) / 4;
        const infoDNu = (-n * pTie * (pLow - pHigh)) / 2;
        gradient[tieIndex] += ties[k] - n * pTie;
        information[tieIndex * size + tieIndex] += n * pTie * (1 - pTie);
        if (i >= 0) addSymmetric(information, size, i, tieIndex, infoDNu);
        if (j >= 0) addSymmetric(information, size, j, tieIndex, -infoDNu);
      } else {
        const pLow = 1 / (1 + Math.exp(-d));
        logLikelihood -= lowWins[k] * softplus(-d) + highWins[k] * softplus(d);
        gradD = lowWins[k] - n * pLow;
        infoDD = n * pLow * (1 - pLow);
      }
      if (i >= 0) {
        gradient[i] += gradD;
        information[i * size + i] += infoDD;
      }
      if (j >= 0) {
        gradient[j] -= gradD;
        information[j * size + j] += infoDD;
      }
      if (i >= 0 && j >= 0) addSymmetric(information, size, i, j, -infoDD);
    }
    return { logLikelihood, gradient, information };
  }
}

function addSymmetric(m: Float64Array, size: number, i: number, j: number, value: number): void {
  m[i * size + j] += value;
  m[j * size + i] += value;
}

/** log(1 + eˣ) without overflow. */
const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

function logSumExp3(a: number, b: number, c: number): number {
  const m = Math.max(a, b, c);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m) + Math.exp(c - m));
}
