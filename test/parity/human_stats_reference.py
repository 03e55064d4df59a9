"""Reference values for test/parity/human-stats.parity.test.ts from SciPy 1.10 and statsmodels 0.13 (Debian's
/usr/bin/python3), plus a by-hand transcription of Krippendorff's coincidence-matrix algorithm. Prints one JSON
object: the data it drew and what the references compute on it.

Data:
  - Krippendorff's worked example ("Computing Krippendorff's Alpha-Reliability", 2011): 4 observers x 12 units;
  - Fleiss' (1971) psychiatric diagnoses, 30 patients x 6 raters x 5 categories, as statsmodels' own tests
    hold them (statsmodels/stats/tests/test_inter_rater.py; each row's ratings are sorted, so a column is not
    one person, which neither kappa nor alpha minds);
  - seeded (numpy PCG64) rating matrices from raters of varying accuracy, with missing ratings, seeded
    two-rater tables, seeded tied scores for the rank correlations and seeded comparisons among 6 players.
"""
import json
import sys
import warnings

import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa, fleiss_kappa
from statsmodels.stats.tests.test_inter_rater import diagnoses

warnings.simplefilter("ignore")
rng = np.random.default_rng(20240917)


def alpha_by_hand(matrix, level):
    """Krippendorff (2011), section C: the coincidence matrix o_ck, its marginals n_c, the metric delta^2_ck,
    and alpha = 1 - (n - 1) sum o_ck delta^2_ck / sum n_c n_k delta^2_ck. Loops on purpose: a transcription."""
    units = [[v for v in row if v is not None] for row in matrix]
    units = [u for u in units if len(u) >= 2]  # unpairable units are dropped
    values = sorted({v for u in units for v in u})
    index = {v: i for i, v in enumerate(values)}
    k = len(values)
    o = [[0.0] * k for _ in range(k)]
    for u in units:
        m = len(u)
        for i in range(m):
            for j in range(m):
                if i != j:
                    o[index[u[i]]][index[u[j]]] += 1.0 / (m - 1)
    n_c = [sum(o[c]) for c in range(k)]
    n = sum(n_c)

    def delta2(c, kk):
        if level == "nominal":
            return 0.0 if c == kk else 1.0
        if level == "interval":
            return (values[c] - values[kk]) ** 2
        lo, hi = min(c, kk), max(c, kk)
        return (sum(n_c[g] for g in range(lo, hi + 1)) - (n_c[c] + n_c[kk]) / 2) ** 2

    observed = sum(o[c][kk] * delta2(c, kk) for c in range(k) for kk in range(k))
    expected = sum(n_c[c] * n_c[kk] * delta2(c, kk) for c in range(k) for kk in range(k))
    return 1 - (n - 1) * observed / expected


def rater_matrix(items, raters, categories, accuracies, missing):
    """True labels uniform over `categories`; each rater copies it with its accuracy, else an adjacent or random code."""
    truth = rng.choice(categories, items)
    m = []
    for t in truth:
        row = []
        for acc in accuracies[:raters]:
            if rng.random() < missing:
                row.append(None)
            elif rng.random() < acc:
                row.append(float(t))
            elif rng.random() < 0.6:
                i = categories.index(t) + rng.choice([-1, 1])
                row.append(float(categories[min(max(i, 0), len(categories) - 1)]))
            else:
                row.append(float(rng.choice(categories)))
        m.append(row)
    return m


def continuous_matrix(items, raters, missing):
    truth = rng.normal(3.0, 1.0, items)
    return [[None if rng.random() < missing else float(np.round(t + rng.normal(0, 0.6), 1)) for _ in range(raters)] for t in truth]


N = None
example = [[1, 1, N, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
           [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [N, 5, 5, 5], [N, N, 1, 1], [N, 3, N, N]]
acc5 = [0.9, 0.8, 0.7, 0.6, 0.5]
matrices = {
    "krippendorff_2011": example,
    "fleiss_1971_diagnoses": diagnoses.tolist(),
    "seeded_60x5_missing": rater_matrix(60, 5, [1, 2, 3, 4, 5], acc5, 0.25),
    "seeded_300x3_codes_with_gaps": rater_matrix(300, 3, [0, 1, 2, 5, 8], acc5, 0.1),
    "seeded_500x4_complete": rater_matrix(500, 4, [1, 2, 3], acc5, 0.0),
    "seeded_40x6_sparse": rater_matrix(40, 6, [1, 2, 3, 4, 5, 6, 7], acc5 + [0.7], 0.55),
    "seeded_80x4_continuous": continuous_matrix(80, 4, 0.2),
}

out = {"versions": {"python": sys.version.split()[0], "scipy": scipy.__version__, "statsmodels": statsmodels.__version__}}

out["agreement"] = []
for name, m in matrices.items():
    entry = {"name": name, "matrix": m, "alpha": {lv: alpha_by_hand(m, lv) for lv in ("nominal", "ordinal", "interval")}}
    # Fleiss over the items with the modal number of ratings (>= 2; the larger count on a tie)
    counts = [sum(v is not None for v in row) for row in m]
    sizes = [c for c in counts if c >= 2]
    mode = max(set(sizes), key=lambda c: (sizes.count(c), c))
    rows = [[v for v in row if v is not None] for row, c in zip(m, counts) if c == mode]
    entry["fleiss"] = {"kappa": float(fleiss_kappa(aggregate_raters(np.array(rows))[0])), "items": len(rows)}
    out["agreement"].append(entry)

out["cohen"] = []
for name, m in matrices.items():
    if name == "krippendorff_2011":
        continue
    for a, b in [(0, 1), (0, 2), (1, 2)]:
        pairs = [(row[a], row[b]) for row in m if row[a] is not None and row[b] is not None]
        cats = sorted({v for p in pairs for v in p})
        idx = {v: i for i, v in enumerate(cats)}
        table = np.zeros((len(cats), len(cats)))
        for x, y in pairs:
            table[idx[x], idx[y]] += 1
        out["cohen"].append({
            "name": f"{name}[{a},{b}]", "a": [row[a] for row in m], "b": [row[b] for row in m],
            "none": float(cohens_kappa(table, return_results=False)),
            "linear": float(cohens_kappa(table, weights=cats, wt="linear", return_results=False)),
            "quadratic": float(cohens_kappa(table, weights=cats, wt="quadratic", return_results=False)),
        })

out["correlation"] = []
for name, n, step in [("n8", 8, 0), ("n30_tied", 30, 1.0), ("n200_many_ties", 200, 1.0), ("n1000", 1000, 0),
                      ("n3000_likert", 3000, 1.0)]:
    x = rng.normal(0, 1, n)
    y = 0.5 * x + rng.normal(0, 1, n)
    if step:
        x = np.clip(np.round(x * 1.2 + 3), 1, 5)  # a 1-5 human rating
        y = np.round(y * 4) / 4  # a judge score with ties
    rho = stats.spearmanr(x, y)
    tau = stats.kendalltau(x, y, method="asymptotic")
    out["correlation"].append({"name": name, "x": x.tolist(), "y": y.tolist(),
                               "spearman": [float(rho.correlation), float(rho.pvalue)],
                               "kendall": [float(tau.correlation), float(tau.pvalue)]})

out["bradley_terry"] = []
for name, n, strengths, reference in [("n300_ref0", 300, [0, 0.4, -0.3, 1.0, 0.2, -0.8], 0),
                                      ("n5000_ref3", 5000, [0, 0.1, 0.5, -0.2, 1.5, 0.3], 3)]:
    players = len(strengths)
    comps = []
    for _ in range(n):
        a, b = rng.choice(players, 2, replace=False)
        p = 1 / (1 + np.exp(strengths[b] - strengths[a]))
        comps.append((int(a), int(b), "a" if rng.random() < p else "b"))
    X = np.zeros((n, players))
    y = np.zeros(n)
    for r, (a, b, o) in enumerate(comps):
        X[r, a], X[r, b], y[r] = 1, -1, o == "a"
    X = np.delete(X, reference, axis=1)
    fit = sm.Logit(y, X).fit(method="newton", maxiter=100, tol=1e-14, disp=0)
    out["bradley_terry"].append({"name": name, "players": players, "reference": reference, "comparisons": comps,
                                 "params": fit.params.tolist(), "bse": fit.bse.tolist(), "llf": float(fit.llf)})

json.dump(out, sys.stdout)
