"""Reference values for PValueCombinationTest: Fisher's method from SciPy.

Run with Debian's python3 (SciPy 1.10.1):
    /usr/bin/python3 generate_scipy_combine_pvalues.py > scipy_combine_pvalues.json
"""
import json

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(20261203)
cases = [
    [0.5],
    [0.01, 0.2, 0.7],
    [1.0, 1.0],
    [0.05, 0.05, 0.05, 0.05],
    [1e-12, 0.9],
    [1e-30, 1e-30, 1e-30],
    [0.999, 0.998, 0.997, 0.996, 0.995],
]
for k in (2, 3, 5, 10):
    for _ in range(3):
        cases.append(list(rng.uniform(0.0001, 1.0, size=k)))
for k in (2, 4):
    cases.append(list(10.0 ** rng.uniform(-20, -5, size=k)))

out = {"scipy": scipy.__version__, "fisher": []}
for p in cases:
    statistic, pvalue = stats.combine_pvalues(p, method="fisher")
    out["fisher"].append({"p": [float(x) for x in p], "statistic": float(statistic), "pvalue": float(pvalue)})
print(json.dumps(out, indent=1))
