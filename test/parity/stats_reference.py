"""Reference values for test/parity/stats.parity.test.ts from SciPy 1.10 and statsmodels 0.13 (Debian's
/usr/bin/python3). Prints one JSON object: the samples it drew and, for each, what the reference computes.

Data: score-like samples drawn from numpy's PCG64 with a fixed seed (skewed lognormal and beta scores, some
rounded so they tie, n = 5, 8, 30, 200, 2000), and two real datasets Debian ships with statsmodels:
  - engel.csv (Koenker & Bassett; 235 Belgian households, annual income and food expenditure), and
  - star98.csv (California STAR 1998, 303 school districts: MATHTOT students tested, PR50M above the
    national median) as binomial counts.
"""
import csv
import json
import sys
import warnings

import numpy as np
import scipy
import statsmodels
from scipy import special, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

warnings.simplefilter("ignore")
DATASETS = "/usr/lib/python3/dist-packages/statsmodels/datasets"
rng = np.random.default_rng(20240601)


def read_csv(path, *cols):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return [np.array([float(r[c]) for r in rows]) for c in cols]


income, food = read_csv(f"{DATASETS}/engel/engel.csv", "income", "foodexp")
mathtot, pr50m = read_csv(f"{DATASETS}/star98/star98.csv", "MATHTOT", "PR50M")


def lognormal(n, sigma=0.6):
    return rng.lognormal(0.0, sigma, n)


def tied(x, step=0.1):
    return np.round(x / step) * step


# two-sample cases: (name, baseline, candidate)
median_income = np.median(income)
two = [
    ("n5_vs_n8", lognormal(5), lognormal(8) * 1.3),
    ("n8_vs_n8_exact", rng.beta(2, 5, 8), rng.beta(3, 4, 8)),
    ("n5_vs_n200_exact", lognormal(5), lognormal(200)),
    ("n30_tied", tied(rng.beta(2, 5, 30), 0.05), tied(rng.beta(2.5, 5, 30), 0.05)),
    ("n200_vs_n150", lognormal(200), lognormal(150, 0.8) * 1.1),
    ("n2000_tied", tied(rng.gamma(2.0, 1.0, 2000)), tied(rng.gamma(2.1, 1.0, 2000))),
    ("engel_food_low_vs_high_income", food[income <= median_income], food[income > median_income]),
]
# paired differences (candidate − baseline)
paired = [
    ("n5", rng.normal(0.3, 1.0, 5)),
    ("n8_exact", rng.normal(0.5, 1.0, 8)),
    ("n30_exact", rng.standard_t(3, 30) + 0.2),
    ("n30_with_zeros", tied(rng.normal(0.1, 0.3, 30), 0.1)),
    ("n60_approx", rng.normal(0.1, 1.0, 60)),
    ("n200_tied", tied(rng.normal(0.05, 0.5, 200), 0.1)),
    ("n2000", rng.gamma(2.0, 1.0, 2000) - 2.1),
    ("engel_log_food_share", np.log(food) - np.log(income) + np.log(2)),
]

alpha = 0.05
out = {"versions": {"python": sys.version.split()[0], "scipy": scipy.__version__, "statsmodels": statsmodels.__version__}}

out["two_sample"] = []
for name, a, b in two:
    welch = stats.ttest_ind(b, a, equal_var=False)
    lo, hi = CompareMeans(DescrStatsW(b), DescrStatsW(a)).tconfint_diff(alpha=alpha, usevar="unequal")
    mwu = stats.mannwhitneyu(a, b)
    out["two_sample"].append({
        "name": name, "a": a.tolist(), "b": b.tolist(),
        "welch": {"statistic": welch.statistic, "pValue": welch.pvalue, "ci": [lo, hi]},
        "mwu": {"statistic": float(mwu.statistic), "pValue": float(mwu.pvalue)},
    })

out["paired"] = []
for name, d in paired:
    t = stats.ttest_1samp(d, 0.0)
    lo, hi = DescrStatsW(d).tconfint_mean(alpha=alpha)
    w = stats.wilcoxon(d)
    _, counts = np.unique(np.abs(d[d != 0]), return_counts=True)
    out["paired"].append({
        "name": name, "d": d.tolist(), "ties": bool((counts > 1).any()),
        "t": {"statistic": t.statistic, "pValue": t.pvalue, "ci": [lo, hi]},
        "wilcoxon": {"statistic": float(w.statistic), "pValue": float(w.pvalue)},
        # SciPy 1.10 runs 'exact' on tied |d| (truncating the rank sum); @assay/stats uses the tie-corrected normal approximation then
        "wilcoxon_approx": {"statistic": float(stats.wilcoxon(d, mode="approx").statistic), "pValue": float(stats.wilcoxon(d, mode="approx").pvalue)},
    })

# multiple testing over the two-sample MWU p-values plus fixed edge cases
families = [[c["mwu"]["pValue"] for c in out["two_sample"]], [0.01, 0.04, 0.03, 0.5, 0.04, 0.001, 1.0, 0.2], list(rng.uniform(0, 0.1, 25))]
out["multiple"] = [{"p": p, "holm": multipletests(p, method="holm")[1].tolist(), "bh": multipletests(p, method="fdr_bh")[1].tolist()} for p in families]

# proportions: STAR98 districts (x = PR50M of n = MATHTOT) and small edge counts
counts = [(int(x), int(n)) for x, n in zip(pr50m[:40], mathtot[:40])] + [(0, 10), (10, 10), (1, 7), (3, 4), (0, 1), (17, 5000)]
out["proportions"] = [{
    "x": x, "n": n,
    "wilson": list(proportion_confint(x, n, alpha=alpha, method="wilson")),
    "beta": list(proportion_confint(x, n, alpha=alpha, method="beta")),
    "beta_upper_95": 1.0 if x == n else float(stats.beta.ppf(0.95, x + 1, n - x)),
} for x, n in counts]
pairs = list(zip(counts[0:40:2], counts[1:40:2])) + [((0, 10), (10, 10)), ((1, 7), (3, 4)), ((17, 5000), (25, 4800))]
out["newcombe"] = [{
    "x1": x1, "n1": n1, "x2": x2, "n2": n2,
    "ci": list(confint_proportions_2indep(x2, n2, x1, n1, method="newcomb", compare="diff", alpha=alpha)),
} for (x1, n1), (x2, n2) in pairs]

# distribution functions
dist = []
for t in [-40, -8, -3, -1.5, -0.3, 0.0, 0.01, 0.7, 2.1, 5, 12]:
    for df in [1, 2.5, 7.3, 30, 1000.7, 1e5]:
        dist.append(["studentTCdf", [t, df], float(stats.t.cdf(t, df))])
        dist.append(["studentTSf", [t, df], float(stats.t.sf(t, df))])
for p in [1e-12, 1e-5, 0.001, 0.025, 0.3, 0.77, 0.975, 0.999999]:
    for df in [1, 2.5, 7.3, 30, 1000.7]:
        dist.append(["studentTQuantile", [p, df], float(stats.t.ppf(p, df))])
for x in [-38, -10, -5, -1.96, -0.5, 0.3, 1, 3, 8.5]:
    dist.append(["normalCdf", [x], float(stats.norm.cdf(x))])
    dist.append(["normalSf", [x], float(stats.norm.sf(x))])
for p in [1e-300, 1e-20, 1e-5, 0.025, 0.2, 0.8, 0.975, 1 - 1e-10]:
    dist.append(["normalQuantile", [p], float(stats.norm.ppf(p))])
for a, b in [(0.5, 0.5), (1, 3), (2.5, 7), (30, 40), (200, 5), (5000, 50000), (0.1, 100)]:
    for x in [1e-6, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99]:
        dist.append(["regularizedBeta", [x, a, b], float(special.betainc(a, b, x))])
        dist.append(["regularizedBetaComplement", [x, a, b], float(stats.beta.sf(x, a, b))])
    for p in [1e-10, 0.001, 0.025, 0.5, 0.975, 0.999]:
        dist.append(["betaQuantile", [p, a, b], float(stats.beta.ppf(p, a, b))])
for k, n, p in [(0, 10, 0.3), (3, 10, 0.3), (9, 10, 0.3), (50, 100, 0.5), (400, 1000, 0.45), (10, 100000, 0.0001), (49990, 100000, 0.5)]:
    dist.append(["binomialCdf", [k, n, p], float(stats.binom.cdf(k, n, p))])
    dist.append(["binomialSf", [k, n, p], float(stats.binom.sf(k, n, p))])
for x in [0.1, 0.5, 1, 2.5, 7.7, 13, 50, 1234.5, 1e6]:
    dist.append(["logGamma", [x], float(special.gammaln(x))])
# chi-square through the regularized incomplete gamma functions: x at fixed tail probabilities, so both the
# series (x < a + 1) and the continued fraction are exercised, up to df = 1e5 and tails of 1e-12
for df in [1, 2, 3, 4.5, 10, 37, 100, 1000.5, 1e4, 1e5]:
    for q in [1e-12, 1e-6, 0.001, 0.05, 0.3, 0.5, 0.8, 0.99, 0.999999]:
        x = float(stats.chi2.isf(q, df))
        dist.append(["chiSquareSf", [x, df], float(stats.chi2.sf(x, df))])
        dist.append(["chiSquareCdf", [x, df], float(stats.chi2.cdf(x, df))])
for a in [0.1, 0.5, 1, 3.3, 8, 25, 400]:
    for x in [1e-6, 0.05, 0.9, 2, 7.5, 30, 420]:
        dist.append(["regularizedGammaP", [a, x], float(special.gammainc(a, x))])
        dist.append(["regularizedGammaQ", [a, x], float(special.gammaincc(a, x))])
out["distributions"] = dist

# quantiles (numpy 'linear') on every sample
qs = [0, 0.01, 0.1, 0.25, 0.5, 0.9, 0.95, 0.99, 1]
out["quantiles"] = [{"x": np.sort(x).tolist(), "q": qs, "value": np.quantile(x, qs).tolist()} for _, a, b in two for x in (a, b)]

# BCa bootstrap: SciPy's interval from 50 000 resamples (Monte-Carlo error ≈ 0.5 % of the width per bound)
B = 50_000
bca = []
for name, a, b in two[3:]:
    one = stats.bootstrap((b,), np.mean, n_resamples=B, method="BCa", confidence_level=1 - alpha, random_state=rng, batch=2000)
    diff = stats.bootstrap((a, b), lambda x, y, axis: np.mean(y, axis=axis) - np.mean(x, axis=axis), n_resamples=B, method="BCa",
                           confidence_level=1 - alpha, random_state=rng, batch=2000)
    bca.append({"name": name, "mean": list(one.confidence_interval), "difference": list(diff.confidence_interval)})
out["bca"] = bca

# quantile ratio: a brute-force percentile bootstrap (whole samples resampled) of quantile(b)/quantile(a)
ratio = []
for name, a, b in two[4:]:
    for p in [0.5, 0.95]:
        reps = np.empty(20_000)
        for r in range(reps.size):
            reps[r] = np.quantile(rng.choice(b, b.size), p) / np.quantile(rng.choice(a, a.size), p)
        ratio.append({"name": name, "p": p, "estimate": float(np.quantile(b, p) / np.quantile(a, p)),
                      "ci": np.quantile(reps, [alpha / 2, 1 - alpha / 2]).tolist()})
out["quantile_ratio"] = ratio

json.dump(out, sys.stdout)
