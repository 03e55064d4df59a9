"""Reference values for test/parity/ab-stats.parity.test.ts from SciPy 1.10.1, statsmodels 0.13.5 and numpy
(Debian's /usr/bin/python3). Prints one JSON object: the data it drew or read and what the references compute.

Data:
  - real: statsmodels' fair.csv (Fair 1978, 6 366 women: `affairs` as the per-unit metric, the two arms split by
    education >= 14 years, years married as the CUPED covariate) and star98.csv (303 California districts:
    PR50M of MATHTOT students above the national math median as a ratio metric with the district as the unit,
    the arms split by LOWINC above its median, PERMINTE as the covariate);
  - seeded (numpy PCG64): revenue-like zero-inflated lognormals with a pre-period covariate, small normal
    samples (n = 5, 8), and per-user clicks over impressions (impressions 1 + negative binomial, clicks binomial
    at a beta-distributed user rate, a pre-period click count as the covariate).
"""
import csv
import json
import sys
import warnings

import numpy as np
import scipy
import statsmodels
from scipy import optimize, stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

warnings.simplefilter("ignore")
DATASETS = "/usr/lib/python3/dist-packages/statsmodels/datasets"
rng = np.random.default_rng(20250301)
ALPHA = 0.05


def read_csv(path, *cols):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return [np.array([float(r[c]) for r in rows]) for c in cols]


def arm(y, n=None, x=None):
    d = {"y": y.tolist()}
    if n is not None:
        d["n"] = n.tolist()
    if x is not None:
        d["x"] = x.tolist()
    return d


def welch(c, t):
    """scipy ttest_ind(t, c, equal_var=False); df and the interval from statsmodels CompareMeans (usevar='unequal')."""
    res = stats.ttest_ind(t, c, equal_var=False)
    cm = CompareMeans(DescrStatsW(t), DescrStatsW(c))
    _, _, df = cm.ttest_ind(usevar="unequal")
    return {"estimate": float(t.mean() - c.mean()), "statistic": float(res.statistic), "pValue": float(res.pvalue),
            "df": float(df), "ci": [float(v) for v in cm.tconfint_diff(alpha=ALPHA, usevar="unequal")],
            "se": [float(np.sqrt(c.var(ddof=1) / c.size)), float(np.sqrt(t.var(ddof=1) / t.size))],
            "means": [float(c.mean()), float(t.mean())]}


def cuped_theta(v_c, v_t, x_c, x_t):
    v, x = np.concatenate([v_c, v_t]), np.concatenate([x_c, x_t])
    return float(np.cov(v, x)[0, 1] / np.var(x, ddof=1)), float(x.mean())


def mean_case(name, c, t, xc=None, xt=None):
    case = {"name": name, "control": arm(c, x=xc), "treatment": arm(t, x=xt), "welch": welch(c, t)}
    if xc is not None:
        theta, xbar = cuped_theta(c, t, xc, xt)
        ac, at = c - theta * (xc - xbar), t - theta * (xt - xbar)
        case["cuped"] = {"theta": theta, "welch": welch(ac, at)}
    return case


def delta_ratio(y, n):
    """Deng et al. (2018): Var(R) = (s_y^2 - 2 R s_yn + R^2 s_n^2) / (N mu_n^2), sample moments with ddof = 1."""
    N = y.size
    R = y.sum() / n.sum()
    s_yn = np.cov(y, n)[0, 1]
    var = (y.var(ddof=1) - 2 * R * s_yn + R * R * n.var(ddof=1)) / (N * n.mean() ** 2)
    return float(R), float(var)


def bootstrap_ratio_sd(y, n, reps=2000):
    idx = rng.integers(0, y.size, size=(reps, y.size))
    return float(np.std(y[idx].sum(axis=1) / n[idx].sum(axis=1), ddof=1))


def z_difference(est_c, var_c, est_t, var_t):
    d, se = est_t - est_c, np.sqrt(var_c + var_t)
    q = stats.norm.isf(ALPHA / 2)
    return {"estimate": float(d), "se": float(se), "statistic": float(d / se), "pValue": float(2 * stats.norm.sf(abs(d / se))),
            "ci": [float(d - q * se), float(d + q * se)]}


def ratio_case(name, yc, nc, yt, nt, xc=None, xt=None):
    (rc, vc), (rt, vt) = delta_ratio(yc, nc), delta_ratio(yt, nt)
    case = {"name": name, "control": arm(yc, nc, xc), "treatment": arm(yt, nt, xt),
            "ratio": [rc, rt], "variance": [vc, vt], "bootstrap_sd": [bootstrap_ratio_sd(yc, nc), bootstrap_ratio_sd(yt, nt)],
            "z": z_difference(rc, vc, rt, vt)}
    if xc is not None:
        # CUPED on the linearized values L = (y - R n)/mu_n + R of each arm, theta pooled over both
        lc, lt = (yc - rc * nc) / nc.mean() + rc, (yt - rt * nt) / nt.mean() + rt
        theta, xbar = cuped_theta(lc, lt, xc, xt)
        ac, at = lc - theta * (xc - xbar), lt - theta * (xt - xbar)
        case["cuped"] = {"theta": theta, "means": [float(ac.mean()), float(at.mean())],
                         "z": z_difference(ac.mean(), ac.var(ddof=1) / ac.size, at.mean(), at.var(ddof=1) / at.size)}
    return case


out = {"versions": {"scipy": scipy.__version__, "statsmodels": statsmodels.__version__, "numpy": np.__version__}}

# sample ratio mismatch: scipy.stats.chisquare(observed, f_exp) with f_exp from the planned weights
srm = []
for observed, weights in [([5000, 5100], [1, 1]), ([50, 50], [1, 1]), ([1000, 1200, 980], [1, 1, 1]), ([4900, 10100], [1, 2]),
                          ([3, 12], [1, 1]), ([500000, 501500], [0.5, 0.5]), ([812, 790, 1650, 10], [1, 1, 2, 0.01]),
                          ([100000, 98000], [1, 1])]:
    obs, w = np.array(observed, float), np.array(weights, float)
    f_exp = obs.sum() * w / w.sum()
    res = stats.chisquare(obs, f_exp)
    srm.append({"observed": observed, "weights": weights, "statistic": float(res.statistic), "pValue": float(res.pvalue),
                "expected": f_exp.tolist()})
out["srm"] = srm

out["chi2"] = [[x, df, float(stats.chi2.sf(x, df))] for df in [1, 2, 3, 7] for x in [0.001, 0.5, 3.84, 11.3, 60.0]]

# mean metrics
rate, age, yrs, children, religious, educ, affairs = read_csv(f"{DATASETS}/fair/fair.csv", "rate_marriage", "age", "yrs_married",
                                                              "children", "religious", "educ", "affairs")
hi = educ >= 14
means = [mean_case("fair_affairs_by_education", affairs[~hi], affairs[hi], yrs[~hi], yrs[hi])]
for name, nc, nt, lift in [("revenue_500", 500, 520, 0.1), ("revenue_20000", 20000, 20000, 0.02)]:
    def revenue(size, mult):
        pre = rng.lognormal(1.0, 1.0, size) * (rng.random(size) < 0.3)
        post = (0.6 * pre + rng.lognormal(0.8, 1.0, size) * (rng.random(size) < 0.3)) * mult
        return post, pre
    (c, xc), (t, xt) = revenue(nc, 1.0), revenue(nt, 1 + lift)
    means.append(mean_case(name, c, t, xc, xt))
means.append(mean_case("normal_5_8", rng.normal(10, 2, 5), rng.normal(11, 5, 8)))
out["means"] = means

# ratio metrics
mathtot, pr50m, lowinc, perminte = read_csv(f"{DATASETS}/star98/star98.csv", "MATHTOT", "PR50M", "LOWINC", "PERMINTE")
low = lowinc > np.median(lowinc)
ratios = [ratio_case("star98_math_by_income", pr50m[~low], mathtot[~low], pr50m[low], mathtot[low], perminte[~low], perminte[low])]
for name, users, p_t in [("ctr_3000", 3000, 0.105), ("ctr_300", 300, 0.1)]:
    def ctr(size, mult):
        p = rng.beta(2, 18, size)
        pre = rng.binomial(1 + rng.negative_binomial(2, 0.2, size), p).astype(float)
        impressions = (1 + rng.negative_binomial(2, 0.15, size)).astype(float)
        return rng.binomial(impressions.astype(int), np.minimum(p * mult, 1)).astype(float), impressions, pre
    yc, nc, xc = ctr(users, 1.0)
    yt, nt, xt = ctr(users, p_t / 0.1)
    ratios.append(ratio_case(name, yc, nc, yt, nt, xc, xt))
out["ratios"] = ratios

# planning: NormalIndPower (two-sided), nobs1 = control, ratio = treatment / control
power = NormalIndPower()
plans = []
for alpha, pw, sd, mde, ratio in [(0.05, 0.8, 1.0, 0.2, 1.0), (0.05, 0.9, 3.2, 0.15, 1.0), (0.01, 0.8, 0.3, 0.01, 2.0),
                                  (0.1, 0.5, 1.0, 0.5, 0.5), (0.05, 0.8, 12.0, 0.4, 1.0), (0.2, 0.3, 1.0, 0.3, 1.0)]:
    nobs1 = float(power.solve_power(effect_size=mde / sd, nobs1=None, alpha=alpha, power=pw, ratio=ratio))
    plans.append({"alpha": alpha, "power": pw, "sd": sd, "mde": mde, "ratio": ratio, "nobs1": nobs1})
for alpha, pw, sd, control, treatment in [(0.05, 0.8, 1.0, 400, 400), (0.05, 0.9, 2.5, 10000, 20000), (0.01, 0.8, 1.0, 50, 30),
                                          (0.2, 0.3, 1.0, 100, 100)]:
    es = float(power.solve_power(effect_size=None, nobs1=control, alpha=alpha, power=pw, ratio=treatment / control))
    # solve_power's own root search can stop early (at 10 000 vs 20 000 it lands on power 0.8999955); the same
    # equation solved by brentq to 1e-15 on NormalIndPower().power is the tight reference
    exact = optimize.brentq(lambda e: power.power(e, control, alpha, ratio=treatment / control) - pw, 1e-6, 10, xtol=1e-16, rtol=1e-15)
    achieved = float(power.power(exact * 1.3, control, alpha, ratio=treatment / control))
    plans.append({"alpha": alpha, "power": pw, "sd": sd, "control": control, "treatment": treatment, "mde": es * sd,
                  "mde_exact": float(exact * sd), "power_at_1_3_mde": achieved})
out["plans"] = plans

json.dump(out, sys.stdout)
