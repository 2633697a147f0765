#!/usr/bin/env python3
"""Generates scipy_drift.json: drift statistics computed by SciPy, NumPy and statsmodels, as an
independent reference for the tests of io.warden.detectors.drift. The build never runs this
script; it is kept next to its output so the fixture can be regenerated and audited.

    apt-get install -y python3-scipy python3-numpy python3-statsmodels
    # Debian bookworm: SciPy 1.10.1, NumPy 1.24.2, statsmodels 0.13.5
    /usr/bin/python3 generate_scipy_drift.py > scipy_drift.json

Every sample is written out, so the Java tests read exactly the values SciPy saw. Floats are
written by json.dumps, i.e. with repr, which round-trips exactly.

Sections:
  ks_pairs        seeded sample pairs (x is the reference, y the window) with
                    ks_2samp(x, y, method='exact') and method='asymp' statistic and p-values,
                    kstwobign.sf(D * sqrt(n m / (n + m))) (the limiting Kolmogorov distribution),
                    wasserstein_distance(x, y) and its value divided by np.std(x) (ddof=0),
                    equal-frequency inner bin edges of x (np.quantile(method='inverted_cdf') at
                    j/bins, j = 1..bins-1, deduplicated), the proportions of x and y in the bins
                    (-inf, e1], (e1, e2], ..., (e_last, +inf) via np.searchsorted(side='left'),
                    PSI by the numpy formula below and
                    scipy.spatial.distance.jensenshannon(px, py, base=2)
  kolmogorov_sf   scipy.stats.kstwobign.sf(lambda) on a grid of lambda
  chisquare       scipy.stats.chisquare(observed, f_exp = proportions / sum * n)
  chi2_contingency  scipy.stats.chi2_contingency([a, b], correction=False)
  jensenshannon   scipy.spatial.distance.jensenshannon(p, q, base=2) on unnormalised weights
  psi             PSI on proportions with empty bins, by the numpy formula below
  multipletests   statsmodels.stats.multitest.multipletests for bonferroni, holm, fdr_bh

PSI formula (written here independently of the Java code): with expected proportions e and
actual proportions a, every proportion that is exactly 0 is replaced by 1e-4 (no
renormalisation), then PSI = sum((a - e) * ln(a / e)).
"""
import json
import sys

import numpy as np
import scipy
import statsmodels
from scipy.spatial.distance import jensenshannon
from scipy.stats import chi2_contingency, chisquare, ks_2samp, kstwobign, wasserstein_distance
from statsmodels.stats.multitest import multipletests

PSI_EPSILON = 1e-4


def psi(expected, actual):
    e = np.where(np.asarray(expected, dtype=float) == 0.0, PSI_EPSILON, expected)
    a = np.where(np.asarray(actual, dtype=float) == 0.0, PSI_EPSILON, actual)
    return float(np.sum((a - e) * np.log(a / e)))


def equal_frequency_inner_edges(x, bins):
    qs = [j / bins for j in range(1, bins)]
    edges = np.quantile(np.asarray(x), qs, method="inverted_cdf")
    return [float(v) for v in np.unique(edges)]


def proportions(values, inner_edges):
    index = np.searchsorted(np.asarray(inner_edges), np.asarray(values), side="left")
    counts = np.bincount(index, minlength=len(inner_edges) + 1)
    return counts / len(values)


def floats(values):
    return [float(v) for v in values]


def ks_pair(name, x, y, bins=10):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n, m = len(x), len(y)
    exact = ks_2samp(x, y, method="exact")
    asymp = ks_2samp(x, y, method="asymp")
    en = n * m / (n + m)
    w = wasserstein_distance(x, y)
    edges = equal_frequency_inner_edges(x, bins)
    px = proportions(x, edges)
    py = proportions(y, edges)
    return {
        "name": name,
        "x": floats(x),
        "y": floats(y),
        "ks_statistic": float(exact.statistic),
        "ks_pvalue_exact": float(exact.pvalue),
        "ks_pvalue_asymp": float(asymp.pvalue),
        "ks_pvalue_kstwobign": float(kstwobign.sf(exact.statistic * np.sqrt(en))),
        "wasserstein": float(w),
        "wasserstein_norm": float(w / np.std(x)),
        "bins": bins,
        "inner_edges": edges,
        "x_proportions": floats(px),
        "y_proportions": floats(py),
        "psi": psi(px, py),
        "js_distance": float(jensenshannon(px, py, base=2)),
    }


def main():
    rng = np.random.default_rng(20250301)
    pairs = [
        ks_pair("normal-50-80", rng.normal(0, 1, 50), rng.normal(0, 1, 80)),
        ks_pair("shift-40-60", rng.normal(0, 1, 40), rng.normal(0.8, 1, 60)),
        ks_pair("ties-30-40", np.round(rng.normal(0, 2, 30)), np.round(rng.normal(0.5, 2, 40))),
        ks_pair("normal-300-400", rng.normal(5, 2, 300), rng.normal(5, 2, 400)),
        ks_pair("scale-400-300", rng.normal(0, 1, 400), rng.normal(0, 1.5, 300)),
        ks_pair("shift-600-500", rng.normal(0, 1, 600), rng.normal(0.6, 1, 500), bins=20),
        ks_pair("exponential-1000-800", rng.exponential(3.0, 1000), rng.exponential(3.3, 800)),
        ks_pair("heavy-ties-500-500",
                np.where(rng.random(500) < 0.6, 0.0, rng.normal(2, 1, 500)),
                np.where(rng.random(500) < 0.5, 0.0, rng.normal(2, 1, 500))),
    ]

    lambdas = [0.05, 0.2, 0.3, 0.5, 0.8, 1.0, 1.17, 1.18, 1.19, 1.36, 1.5, 2.0, 3.0, 5.0, 8.0]
    kolmogorov = [{"lambda": lam, "sf": float(kstwobign.sf(lam))} for lam in lambdas]

    chi_cases = [
        ("two-cells", [48, 52], [0.5, 0.5]),
        ("uniform-6", [16, 18, 16, 14, 12, 12], [1, 1, 1, 1, 1, 1]),
        ("priors-3", [380, 350, 270], [0.5, 0.3, 0.2]),
        ("strong-shift", [300, 300, 400], [0.6, 0.3, 0.1]),
        ("unnormalised-weights", [30, 70, 55, 45], [3, 7, 6, 4]),
    ]
    chis = []
    for name, obs, prop in chi_cases:
        obs = np.asarray(obs, dtype=float)
        prop = np.asarray(prop, dtype=float)
        res = chisquare(obs, f_exp=prop / prop.sum() * obs.sum())
        chis.append({"name": name, "observed": [int(v) for v in obs], "proportions": floats(prop),
                     "statistic": float(res.statistic), "pvalue": float(res.pvalue),
                     "dof": len(obs) - 1})

    contingency_cases = [
        ("two-by-two", [120, 80], [95, 105]),
        ("two-by-four", [500, 300, 150, 50], [40, 35, 15, 10]),
        ("shifted", [1000, 1000, 1000], [50, 100, 150]),
    ]
    contingency = []
    for name, a, b in contingency_cases:
        stat, p, dof, _ = chi2_contingency(np.array([a, b]), correction=False)
        contingency.append({"name": name, "a": a, "b": b, "statistic": float(stat),
                            "pvalue": float(p), "dof": int(dof)})

    js_cases = [
        ([1, 0, 0], [0, 1, 0]),
        ([0.5, 0.5], [0.5, 0.5]),
        ([10, 20, 30, 40], [40, 30, 20, 10]),
        ([0.1, 0.2, 0.7, 0.0], [0.0, 0.3, 0.3, 0.4]),
        ([3, 1, 4, 1, 5, 9, 2, 6], [2, 7, 1, 8, 2, 8, 1, 8]),
    ]
    js = [{"p": floats(p), "q": floats(q), "distance": float(jensenshannon(p, q, base=2))}
          for p, q in js_cases]

    psi_cases = [
        ([0.1] * 10, [0.08, 0.09, 0.1, 0.11, 0.12, 0.1, 0.1, 0.1, 0.1, 0.1]),
        ([0.25, 0.25, 0.25, 0.25], [0.4, 0.3, 0.2, 0.1]),
        ([0.5, 0.3, 0.2, 0.0], [0.45, 0.3, 0.2, 0.05]),
        ([0.6, 0.4, 0.0], [0.0, 0.5, 0.5]),
    ]
    psis = [{"expected": floats(e), "actual": floats(a), "psi": psi(e, a)} for e, a in psi_cases]

    mt_cases = [
        ("mixed-12", 0.05, [0.001, 0.008, 0.039, 0.041, 0.042, 0.060, 0.074, 0.205, 0.212, 0.216,
                            0.0001, 0.5]),
        ("ties-and-bounds", 0.05, [0.01, 0.01, 0.02, 0.0, 1.0, 0.04, 0.04, 0.3]),
        ("uniform-seeded-20", 0.1, floats(rng.random(20) ** 2)),
    ]
    mts = []
    for name, alpha, pvals in mt_cases:
        entry = {"name": name, "alpha": alpha, "pvalues": floats(pvals)}
        for method in ("bonferroni", "holm", "fdr_bh"):
            reject, corrected, _, _ = multipletests(pvals, alpha=alpha, method=method)
            entry[method] = {"adjusted": floats(corrected), "reject": [bool(r) for r in reject]}
        mts.append(entry)

    out = {
        "generated_by": "generate_scipy_drift.py",
        "versions": {"scipy": scipy.__version__, "numpy": np.__version__,
                     "statsmodels": statsmodels.__version__},
        "ks_pairs": pairs,
        "kolmogorov_sf": kolmogorov,
        "chisquare": chis,
        "chi2_contingency": contingency,
        "jensenshannon": js,
        "psi": psis,
        "multipletests": mts,
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
