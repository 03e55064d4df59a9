"""Reference values for test/parity/causal.parity.test.ts from statsmodels 0.13.5 (patsy 0.5), SciPy 1.10
and NumPy 1.24 as Debian ships them (/usr/bin/python3), plus a NumPy transcription of the effect formulas.
Prints one JSON object: the data (rows as records, so the TypeScript side builds its own design matrix) and
what the references compute on it.

Data:
  - Grunfeld (1958) investment data, statsmodels.datasets.grunfeld: 220 firm-years of 11 US firms;
    invest ~ value + capital, and with firm dummies; clusters by firm;
  - Spector & Mazzeo (1980), statsmodels.datasets.spector: 32 students, GRADE ~ GPA + TUCE + PSI (logit);
  - Fair (1978) affairs survey, statsmodels.datasets.fair: 6 366 women; treatment affairs > 0, outcome
    rate_marriage, confounders age, yrs_married, children, religious, educ and occupation (categorical),
    clusters by occupation_husb;
  - a seeded (NumPy PCG64) simulation of generated assets: category (5 strings), price band (3 strings),
    a boolean premium flag, position and sharpness numeric, campaign clusters; the treatment depends on
    category, position and sharpness, the outcome on the treatment and all of them.
"""
import json
import warnings

import numpy as np
import pandas as pd
import patsy
import scipy
import statsmodels
import statsmodels.api as sm
from scipy import stats

warnings.simplefilter("ignore")
rng = np.random.default_rng(20241205)


def design(df, numeric, categorical):
    """Patsy's treatment-coded design, the categorical columns given as strings (or booleans) as the service holds them.
    Patsy puts terms without numeric factors first, so "columns" lists the categorical columns first for designMatrix."""
    terms = " + ".join(numeric + categorical) or "1"
    x = patsy.dmatrix(terms, df, return_type="dataframe")
    return x


def records(df, columns):
    out = []
    for row in df[columns].itertuples(index=False):
        rec = {}
        for c, v in zip(columns, row):
            rec[c] = bool(v) if isinstance(v, (bool, np.bool_)) else v if isinstance(v, str) else float(v)
        out.append(rec)
    return out


def ols_reference(y, x, groups):
    fits = {
        "nonrobust": sm.OLS(y, x).fit(),
        "HC1": sm.OLS(y, x).fit(cov_type="HC1"),
    }
    if groups is not None:
        fits["cluster"] = sm.OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(groups)[0]})
    return {
        k: {"coef": list(f.params), "se": list(f.bse), "p": list(f.pvalues), "df_resid": f.df_resid, "cov": np.asarray(f.cov_params()).ravel().tolist()}
        for k, f in fits.items()
    }


def wls_reference(y, x, w, groups):
    fits = {
        "nonrobust": sm.WLS(y, x, weights=w).fit(),
        "HC1": sm.WLS(y, x, weights=w).fit(cov_type="HC1"),
        "cluster": sm.WLS(y, x, weights=w).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(groups)[0]}),
    }
    return {k: {"coef": list(f.params), "se": list(f.bse), "p": list(f.pvalues), "df_resid": f.df_resid} for k, f in fits.items()}


def logit_reference(t, x):
    f = sm.Logit(t, x).fit(method="newton", disp=0)
    return {"coef": list(f.params), "se": list(f.bse), "llf": f.llf, "converged": bool(f.mle_retvals["converged"])}


def effect_reference(y, t, x, groups, alpha=0.05, trim=(0.05, 0.95)):
    """The estimators of estimateEffect written out in NumPy (the propensity by statsmodels' Logit)."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    t = np.asarray(t, float)
    z = stats.norm.isf(alpha / 2)
    codes = None if groups is None else pd.factorize(groups)[0]

    welch = stats.ttest_ind(y[t == 1], y[t == 0], equal_var=False)
    v1 = y[t == 1].var(ddof=1) / (t == 1).sum()
    v0 = y[t == 0].var(ddof=1) / (t == 0).sum()
    df = (v1 + v0) ** 2 / (v1**2 / ((t == 1).sum() - 1) + v0**2 / ((t == 0).sum() - 1))
    d = y[t == 1].mean() - y[t == 0].mean()
    half = stats.t.isf(alpha / 2, df) * np.sqrt(v1 + v0)
    naive = {"estimate": d, "se": float(np.sqrt(v1 + v0)), "ci": [d - half, d + half], "p": float(welch.pvalue)}

    xt = np.column_stack([x, t])
    if codes is None:
        reg = sm.OLS(y, xt).fit(cov_type="HC1")
    else:
        reg = sm.OLS(y, xt).fit(cov_type="cluster", cov_kwds={"groups": codes})
    regression = {"estimate": reg.params[-1], "se": reg.bse[-1], "p": reg.pvalues[-1]}

    ps = sm.Logit(t, x).fit(method="newton", disp=0)
    e = ps.predict(x)
    keep = (e >= trim[0]) & (e <= trim[1])
    n = keep.sum()

    def variance(phi):
        if codes is None:
            return (phi**2).sum() / n**2
        sums = np.bincount(codes[keep], weights=phi)
        g = len(np.unique(codes[keep]))
        return g / (g - 1) * (sums**2).sum() / n**2

    yk, tk, ek, xk = y[keep], t[keep], e[keep], x[keep]
    # Hajek: normalized weights within each arm; its influence function with e held at its estimate
    w1 = tk / ek
    w0 = (1 - tk) / (1 - ek)
    mu1 = (w1 * yk).sum() / w1.sum()
    mu0 = (w0 * yk).sum() / w0.sum()
    phi = w1 * (yk - mu1) / w1.mean() - w0 * (yk - mu0) / w0.mean()
    ipw = {"estimate": mu1 - mu0, "se": float(np.sqrt(variance(phi)))}

    b1 = np.linalg.lstsq(xk[tk == 1], yk[tk == 1], rcond=None)[0]
    b0 = np.linalg.lstsq(xk[tk == 0], yk[tk == 0], rcond=None)[0]
    m1, m0 = xk @ b1, xk @ b0
    psi = m1 - m0 + tk * (yk - m1) / ek - (1 - tk) * (yk - m0) / (1 - ek)
    ate = psi.mean()
    aipw = {"estimate": ate, "se": float(np.sqrt(variance(psi - ate)))}
    aipw["ci"] = [ate - z * aipw["se"], ate + z * aipw["se"]]

    balance = []
    for j in range(1, x.shape[1]):
        c = x[:, j]
        scale = np.sqrt((c[t == 1].var(ddof=1) + c[t == 0].var(ddof=1)) / 2)
        after = np.average(xk[tk == 1, j], weights=1 / ek[tk == 1]) - np.average(xk[tk == 0, j], weights=1 / (1 - ek[tk == 0]))
        balance.append([(c[t == 1].mean() - c[t == 0].mean()) / scale, after / scale])

    # VanderWeele & Ding (2017): RR ~ exp(0.91 d) for a standardized difference d
    sd = yk.std(ddof=1)

    def evalue(diff):
        rr = np.exp(0.91 * abs(diff) / sd)
        return rr + np.sqrt(rr * (rr - 1))

    lo, hi = aipw["ci"]
    ci_bound = 1.0 if lo <= 0 <= hi else evalue(lo if ate > 0 else hi)
    return {
        "naive": naive,
        "regression": regression,
        "propensity": list(ps.params),
        "trimmed": int((~keep).sum()),
        "treated_kept": int((keep & (t == 1)).sum()),
        "ipw": ipw,
        "aipw": aipw,
        "balance": balance,
        "evalue": [evalue(ate), ci_bound],
    }


cases = []

# Grunfeld: invest on value and capital, clusters by firm; then with firm dummies (patsy names the levels)
g = sm.datasets.grunfeld.load_pandas().data
g["firm"] = g["firm"].astype(str)
for name, numeric, categorical, cluster in [
    ("grunfeld", ["value", "capital"], [], "firm"),
    ("grunfeld_firm_dummies", ["value", "capital"], ["firm"], "firm"),
]:
    x = design(g, numeric, categorical)
    cases.append(
        {
            "name": name,
            "records": records(g, numeric + categorical),
            "columns": [{"name": c, "kind": "categorical"} for c in categorical] + [{"name": c, "kind": "numeric"} for c in numeric],
            "names": list(x.columns),
            "x": x.values.ravel().tolist(),
            "y": g["invest"].tolist(),
            "groups": g[cluster].tolist(),
            "ols": ols_reference(g["invest"].values, x.values, g[cluster].values),
        }
    )

# Spector: the classic logit
s = sm.datasets.spector.load_pandas().data
spector_x = design(s, ["GPA", "TUCE", "PSI"], [])
spector = {
    "name": "spector",
    "records": records(s, ["GPA", "TUCE", "PSI"]),
    "columns": [{"name": c, "kind": "numeric"} for c in ["GPA", "TUCE", "PSI"]],
    "names": list(spector_x.columns),
    "t": s["GRADE"].tolist(),
    "logit": logit_reference(s["GRADE"].values, spector_x.values),
}

# Fair: treatment "any affair", outcome the marriage rating
f = sm.datasets.fair.load_pandas().data
f["occupation"] = f["occupation"].astype(int).astype(str)
f["occupation_husb"] = f["occupation_husb"].astype(int).astype(str)
fair_numeric = ["age", "yrs_married", "children", "religious", "educ"]
fair_x = design(f, fair_numeric, ["occupation"])
fair_t = (f["affairs"] > 0).astype(float).values
fair = {
    "name": "fair",
    "records": records(f, fair_numeric + ["occupation"]),
    "columns": [{"name": "occupation", "kind": "categorical"}] + [{"name": c, "kind": "numeric"} for c in fair_numeric],
    "names": list(fair_x.columns),
    "x": fair_x.values.ravel().tolist(),
    "y": f["rate_marriage"].tolist(),
    "t": fair_t.tolist(),
    "groups": f["occupation_husb"].tolist(),
    "ols": ols_reference(f["rate_marriage"].values, fair_x.values, f["occupation_husb"].values),
    "logit": logit_reference(fair_t, fair_x.values),
    "effect": effect_reference(f["rate_marriage"].values, fair_t, fair_x.values, None),
    "effect_clustered": effect_reference(f["rate_marriage"].values, fair_t, fair_x.values, f["occupation_husb"].values),
}

# A simulated asset table with categorical confounders
n = 4000
sim = pd.DataFrame(
    {
        "category": rng.choice(["apparel", "electronics", "home", "shoes", "toys"], n),
        "price_band": rng.choice(["high", "low", "mid"], n, p=[0.2, 0.5, 0.3]),
        "premium": rng.random(n) < 0.3,
        "position": rng.integers(1, 21, n).astype(float),
        "sharpness": rng.normal(0, 1, n),
    }
)
cat_effect = sim["category"].map({"apparel": 0.0, "electronics": 0.8, "home": -0.4, "shoes": 0.5, "toys": -0.9}).values
logits = -0.3 + cat_effect + 0.6 * sim["sharpness"].values - 0.05 * sim["position"].values + 0.4 * sim["premium"].values
sim_t = (rng.random(n) < 1 / (1 + np.exp(-logits))).astype(float)
campaign = rng.integers(0, 60, n)
sim_y = (
    0.03
    + 0.004 * sim_t
    + 0.01 * cat_effect
    - 0.0008 * sim["position"].values
    + 0.003 * sim["sharpness"].values
    + 0.005 * sim["premium"].values
    + 0.002 * rng.normal(0, 1, 60)[campaign]
    + 0.006 * rng.normal(0, 1, n)
)
sim_weights = rng.integers(50, 5000, n).astype(float)
sim_numeric = ["position", "sharpness"]
sim_categorical = ["category", "price_band", "premium"]
sim_x = design(sim, sim_numeric, sim_categorical)
simulated = {
    "name": "simulated_assets",
    "records": records(sim, sim_numeric + sim_categorical),
    "columns": [{"name": c, "kind": "categorical"} for c in sim_categorical] + [{"name": c, "kind": "numeric"} for c in sim_numeric],
    "names": list(sim_x.columns),
    "x": sim_x.values.ravel().tolist(),
    "y": sim_y.tolist(),
    "t": sim_t.tolist(),
    "groups": [f"campaign-{c}" for c in campaign],
    "ols": ols_reference(sim_y, sim_x.values, campaign),
    # impressions as weights: a click rate measured on more impressions is less noisy
    "weights": sim_weights.tolist(),
    "wls": wls_reference(sim_y, sim_x.values, sim_weights, campaign),
    "logit": logit_reference(sim_t, sim_x.values),
    "effect": effect_reference(sim_y, sim_t, sim_x.values, None),
    "effect_clustered": effect_reference(sim_y, sim_t, sim_x.values, campaign),
}

print(
    json.dumps(
        {
            "versions": {"statsmodels": statsmodels.__version__, "scipy": scipy.__version__, "numpy": np.__version__, "patsy": patsy.__version__},
            "ols": cases,
            "spector": spector,
            "fair": fair,
            "simulated": simulated,
        }
    )
)
