"""bench:experiments reference: a ratio metric (clicks / impressions per unit) compared between two arms with
the delta method, after CUPED on the linearized values, in NumPy, on per-unit arrays of the given size.
Prints {"seconds": [...]} (three rounds)."""
import json
import sys
import time

import numpy as np

units = int(sys.argv[1])
rng = np.random.default_rng(3)
arm = rng.integers(0, 2, units)
activity = np.exp(0.5 * rng.standard_normal(units))
n = 1 + rng.poisson(8 * activity)
y = rng.binomial(n, np.minimum(0.95, 0.05 * np.sqrt(activity)))
x = rng.poisson(3 * activity).astype(float)


def readout():
    out = []
    lin = {}
    for a in (0, 1):
        ya, na = y[arm == a].astype(float), n[arm == a].astype(float)
        r = ya.sum() / na.sum()
        lin[a] = (ya - r * na) / na.mean() + r
    pooled = np.concatenate([lin[0], lin[1]])
    xs = np.concatenate([x[arm == 0], x[arm == 1]])
    theta = np.cov(pooled, xs)[0, 1] / np.var(xs, ddof=1)
    for a in (0, 1):
        adj = lin[a] - theta * (x[arm == a] - xs.mean())
        out.append((adj.mean(), adj.var(ddof=1) / adj.size))
    diff = out[1][0] - out[0][0]
    se = np.sqrt(out[0][1] + out[1][1])
    return diff, se


seconds = []
for _ in range(3):
    t = time.perf_counter()
    readout()
    seconds.append(time.perf_counter() - t)
print(json.dumps({"seconds": seconds}))
