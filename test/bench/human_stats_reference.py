"""statsmodels / SciPy side of `npm run bench:human`: the same data, timed in Python (perf_counter, so
interpreter start-up is not counted).

Usage: human_stats_reference.py <dir> <items> <raters> <comparisons> <pairs> <rounds>
Reads <dir>/ratings.i32 (items x raters category codes), <dir>/comparisons.i32 (comparisons x 3: a, b,
outcome 0 = a won, 1 = b won, 2 = tie) and <dir>/x.f64, <dir>/y.f64 (pairs). Prints one JSON object of
medians in ms.
"""
import json
import sys
import time
import warnings

import numpy as np
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

warnings.simplefilter("ignore")
root, items, raters, n_comparisons, pairs, rounds = sys.argv[1], *map(int, sys.argv[2:])
ratings = np.fromfile(f"{root}/ratings.i32", dtype="<i4").reshape(items, raters)
comparisons = np.fromfile(f"{root}/comparisons.i32", dtype="<i4").reshape(n_comparisons, 3)
x = np.fromfile(f"{root}/x.f64", dtype="<f8")
y = np.fromfile(f"{root}/y.f64", dtype="<f8")


def timed(fn):
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return float(np.median(times))


def logit():
    # Bradley-Terry without ties as a logistic regression: +1 for a, -1 for b, player 0's column dropped
    decisive = comparisons[comparisons[:, 2] != 2]
    design = np.zeros((len(decisive), comparisons[:, :2].max() + 1))
    rows = np.arange(len(decisive))
    design[rows, decisive[:, 0]] = 1
    design[rows, decisive[:, 1]] = -1
    sm.Logit((decisive[:, 2] == 0).astype(float), design[:, 1:]).fit(method="newton", disp=0)


print(json.dumps({
    "fleiss": timed(lambda: fleiss_kappa(aggregate_raters(ratings)[0])),
    "logit": timed(logit),
    "kendall": timed(lambda: stats.kendalltau(x, y, method="asymptotic")),
    "spearman": timed(lambda: stats.spearmanr(x, y)),
}))
