#!/usr/bin/env python3
"""Generates numpy_mmd.json: the unbiased MMD^2 estimate (Gretton et al., JMLR 2012, Lemma 6)
with a Gaussian kernel, computed with NumPy/SciPy for small seeded samples, as an independent
reference for MmdTest. The build never runs this script; it is kept next to its output so the
fixture can be regenerated and audited.

    apt-get install -y python3-scipy     # Debian bookworm: SciPy 1.10.1, NumPy 1.24.2
    /usr/bin/python3 generate_numpy_mmd.py > numpy_mmd.json

Kernel k(a, b) = exp(-|a - b|^2 / (2 sigma^2)). For each case: the samples x (reference) and y
(window), the median heuristic sigma = numpy.median(scipy.spatial.distance.pdist(x)), and MMD^2_u at
that sigma and at a fixed sigma. Floats are written with repr (round-trip exact).
"""
import json
import sys

import numpy as np
import scipy
from scipy.spatial.distance import cdist, pdist, squareform


def mmd2_unbiased(x, y, sigma):
    gamma = 1.0 / (2.0 * sigma * sigma)
    kxx = np.exp(-gamma * squareform(pdist(x, "sqeuclidean")))
    kyy = np.exp(-gamma * squareform(pdist(y, "sqeuclidean")))
    kxy = np.exp(-gamma * cdist(x, y, "sqeuclidean"))
    n, m = len(x), len(y)
    return ((kxx.sum() - np.trace(kxx)) / (n * (n - 1))
            + (kyy.sum() - np.trace(kyy)) / (m * (m - 1))
            - 2.0 * kxy.sum() / (n * m))


rng = np.random.default_rng(20260102)
cases = []
for name, n, m, d, shift, fixed in [
    ("same-distribution", 30, 25, 3, 0.0, 1.5),
    ("mean-shift", 20, 20, 4, 1.0, 2.0),
    ("one-dimension", 12, 15, 1, 0.5, 0.7),
]:
    x = rng.normal(size=(n, d))
    y = rng.normal(size=(m, d)) + shift
    median = float(np.median(pdist(x)))
    cases.append({
        "name": name,
        "x": x.tolist(),
        "y": y.tolist(),
        "medianBandwidth": median,
        "mmd2AtMedian": float(mmd2_unbiased(x, y, median)),
        "fixedBandwidth": fixed,
        "mmd2AtFixed": float(mmd2_unbiased(x, y, fixed)),
    })

out = sys.stdout
out.write('{"generator": %s,\n' % json.dumps(
    "generate_numpy_mmd.py with NumPy %s, SciPy %s" % (np.__version__, scipy.__version__)))
out.write('"cases": [\n')
out.write(",\n".join(json.dumps(case) for case in cases))
out.write("\n]}\n")
