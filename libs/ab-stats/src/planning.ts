/**
 * Sample size, minimum detectable effect and power of a two-sided two-sample z test (normal approximation),
 * with statsmodels' `NormalIndPower` semantics: effect size d = mde/sd, nobs1 = control, ratio = treatment/control,
 * and the power counts both rejection regions, Φ(d√ñ − z) + Φ(−d√ñ − z) with Ñ = 1/(1/n_c + 1/n_t), z = z_{α/2}.
 * Sample size and MDE solve that equation for s = d√Ñ (Newton from s = z_{α/2} + z_β, the one-tail closed form),
 * so they agree with statsmodels' `solve_power`, not only with the textbook closed form.
 */
import { normalCdf, normalIsf, normalSf } from '@assay/stats';
import { AbStatsError, requireAlpha, requirePositive } from './errors.js';

const twoSidedPower = (s: number, z: number) => normalSf(z - s) + normalCdf(-s - z);
const density = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

/** The s = d√Ñ at which the two-sided test at level alpha has the given power. */
function requiredShift(alpha: number, power: number): number {
  requireAlpha(alpha);
  if (!(power > alpha && power < 1)) throw new AbStatsError('invalid_argument', `power must be in (alpha, 1), got ${power}`);
  const z = normalIsf(alpha / 2);
  let s = z + normalIsf(1 - power);
  for (let i = 0; i < 50; i++) {
    // power is increasing in s > 0, with derivative φ(s − z) − φ(s + z) > 0
    const step = (twoSidedPower(s, z) - power) / (density(s - z) - density(s + z));
    s -= step;
    if (Math.abs(step) <= 1e-15 * s) break;
  }
  return s;
}

function requireMde(mde: number): void {
  if (!(mde !== 0 && Number.isFinite(mde))) throw new AbStatsError('invalid_argument', `the MDE must be non-zero and finite, got ${mde}`);
}

const effective = (control: number, treatment: number) => 1 / (1 / control + 1 / treatment);

/** Units per arm (ceil'd) to detect |mde| with the given power; `exact` holds the unrounded sizes (statsmodels' nobs1, nobs1·ratio). */
export function sampleSizeForMde(p: { alpha: number; power: number; sd: number; mde: number; ratio: number }): {
  control: number;
  treatment: number;
  exact: { control: number; treatment: number };
} {
  requirePositive(p.sd, 'sd');
  requirePositive(p.ratio, 'ratio');
  requireMde(p.mde);
  const s = requiredShift(p.alpha, p.power);
  const control = (s * p.sd) ** 2 / p.mde ** 2 / (p.ratio / (1 + p.ratio));
  const treatment = control * p.ratio;
  // a relative 1e-12 off before the ceiling, so a size that is an integer up to rounding does not gain a unit
  const up = (v: number) => Math.ceil(v * (1 - 1e-12));
  return { control: up(control), treatment: up(treatment), exact: { control, treatment } };
}

/** The smallest |effect| detected with the given power by `control` and `treatment` units (statsmodels' effect size × sd). */
export function mdeForSampleSize(p: { alpha: number; power: number; sd: number; control: number; treatment: number }): number {
  requirePositive(p.sd, 'sd');
  requirePositive(p.control, 'control');
  requirePositive(p.treatment, 'treatment');
  return (requiredShift(p.alpha, p.power) * p.sd) / Math.sqrt(effective(p.control, p.treatment));
}

/** The power actually achieved for a given n and effect (statsmodels `NormalIndPower().power`). */
export function powerFor(p: { alpha: number; sd: number; mde: number; control: number; treatment: number }): number {
  requireAlpha(p.alpha);
  requirePositive(p.sd, 'sd');
  requirePositive(p.control, 'control');
  requirePositive(p.treatment, 'treatment');
  requireMde(p.mde);
  return twoSidedPower((Math.abs(p.mde) / p.sd) * Math.sqrt(effective(p.control, p.treatment)), normalIsf(p.alpha / 2));
}
