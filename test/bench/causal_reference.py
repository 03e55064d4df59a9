"""statsmodels 0.13 / NumPy side of `npm run bench:causal`: the same data, timed in Python (perf_counter, so
interpreter start-up and reading the files are not counted).

Usage: causal_reference.py <dir> <rows> <cols> <rounds>
Reads <dir>/x.f64 (rows x cols, row-major, intercept first), <dir>/y.f64 and <dir>/t.f64. Prints one JSON
object: medians in ms, and the estimates, so the bench can check both sides computed the same thing.
"""
import json
import sys
import time
import warnings

import numpy as np
import statsmodels.api as sm

warnings.simplefilter("ignore")
root, rows, cols, rounds = sys.argv[1], *map(int, sys.argv[2:])
x = np.fromfile(f"{root}/x.f64", dtype="<f8").reshape(rows, cols)
y = np.fromfile(f"{root}/y.f64", dtype="<f8")
t = np.fromfile(f"{root}/t.f64", dtype="<f8")


def timed(fn):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - start) * 1000)
    return float(np.median(times)), out


def ols_hc1():
    return sm.OLS(y, x).fit(cov_type="HC1").bse[1]


def logit():
    return sm.Logit(t, x).fit(method="newton", disp=0).params[1]


def aipw():
    """What estimateEffect computes, the usual Python way: statsmodels for the models, NumPy for the estimators."""
    sm.OLS(y, np.column_stack([x, t])).fit(cov_type="HC1")
    e = sm.Logit(t, x).fit(method="newton", disp=0).predict(x)
    keep = (e >= 0.05) & (e <= 0.95)
    yk, tk, ek, xk = y[keep], t[keep], e[keep], x[keep]
    b1 = np.linalg.lstsq(xk[tk == 1], yk[tk == 1], rcond=None)[0]
    b0 = np.linalg.lstsq(xk[tk == 0], yk[tk == 0], rcond=None)[0]
    m1, m0 = xk @ b1, xk @ b0
    psi = m1 - m0 + tk * (yk - m1) / ek - (1 - tk) * (yk - m0) / (1 - ek)
    return psi.mean()


ols_ms, ols_se = timed(ols_hc1)
logit_ms, logit_coef = timed(logit)
aipw_ms, ate = timed(aipw)
print(json.dumps({"ols": ols_ms, "logit": logit_ms, "aipw": aipw_ms, "olsSe": ols_se, "logitCoef": logit_coef, "ate": ate}))
