#!/usr/bin/env python3
"""Generates scipy_shapiro.json: Shapiro-Wilk W and p-values computed by SciPy, as an independent
reference for io.warden.detectors.extraction.ShapiroWilk. The build never runs this script; it is
kept next to its output so the fixture can be regenerated and audited.

    apt-get install -y python3-scipy python3-numpy
    # Debian bookworm: SciPy 1.10.1, NumPy 1.24.2
    /usr/bin/python3 generate_scipy_shapiro.py > scipy_shapiro.json

scipy.stats.shapiro implements Royston's Algorithm AS R94 (Applied Statistics 44(4), 1995) in the
Fortran routine swilk.f. In SciPy 1.10.1 that routine works in single precision (REAL): the
sample, centred on its median, is converted to float32, the coefficients come from AS 111 in
float32, and W and the p-value are returned as float32 values. The Java tests derive their
tolerances from that.

Every sample is written out in full, so the Java tests read exactly the values SciPy saw. Values
are rounded to float32 before anything else, so SciPy's conversion loses nothing but the rounding
of x - median. Floats are written by json.dumps, i.e. with repr, which round-trips exactly.

Sections:
  samples       name, kind, x (the sample, in generation order, not sorted),
                w and p from scipy.stats.shapiro(x)
  coefficients  n and the AS R94 coefficients a[0..n/2) as scipy.stats._statlib.swilk returns
                them (float32), for a few sizes
"""
import json
import sys

import numpy as np
import scipy
from scipy import stats
from scipy.stats import _statlib

SIZES = [3, 4, 5, 11, 12, 20, 50, 200, 1000, 5000]


def as_float32(values):
    return [float(v) for v in np.asarray(values, dtype=np.float64).astype(np.float32)]


def sample(name, kind, x):
    x = as_float32(x)
    res = stats.shapiro(np.asarray(x, dtype=np.float64))
    return {"name": name, "kind": kind, "x": x, "w": float(res.statistic), "p": float(res.pvalue)}


def main():
    rng = np.random.default_rng(20240611)
    samples = []
    for n in SIZES:
        samples.append(sample(f"normal-{n}", "normal", rng.normal(3.0, 2.0, n)))
        samples.append(sample(f"uniform-{n}", "uniform", rng.uniform(-1.0, 1.0, n)))
        samples.append(sample(f"exponential-{n}", "exponential", rng.exponential(1.5, n)))
    for n in [12, 50, 200, 1000]:
        # Ties: normal values rounded to one decimal, and Poisson counts (many equal values).
        samples.append(sample(f"normal-ties-{n}", "ties", np.round(rng.normal(0.0, 1.0, n), 1)))
        samples.append(sample(f"poisson-ties-{n}", "ties", rng.poisson(4.0, n)))
    samples.append(sample("ties-3", "ties", [1.0, 1.0, 2.0]))
    samples.append(sample("ties-4", "ties", [0.0, 1.0, 1.0, 1.0]))
    samples.append(sample("offset-normal-200", "offset", 1000.0 + rng.normal(0.0, 0.01, 200)))
    samples.append(sample("bimodal-500", "bimodal",
                          np.concatenate([rng.normal(-3, 1, 250), rng.normal(3, 1, 250)])))

    coefficients = []
    for n in [3, 4, 5, 6, 11, 12, 50, 1000, 5000]:
        x = np.sort(np.asarray(rng.normal(0.0, 1.0, n), dtype=np.float32))
        a, _, _, _ = _statlib.swilk(x, np.zeros(n // 2, dtype=np.float32), 0)
        coefficients.append({"n": n, "a": [float(v) for v in a]})

    json.dump({
        "generated_by": "generate_scipy_shapiro.py",
        "versions": {"scipy": scipy.__version__, "numpy": np.__version__},
        "samples": samples,
        "coefficients": coefficients,
    }, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
