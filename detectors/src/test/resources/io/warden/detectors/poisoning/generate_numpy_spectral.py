#!/usr/bin/env python3
"""Generates numpy_spectral.json: windows of scikit-learn's 8x8 digits (64 features, pixel values
0..16) and NumPy's SVD of each centred window, as an independent reference for
SpectralSignaturesTest. The build never runs this script; it is kept next to its output so the
fixture can be regenerated and audited.

    /usr/bin/python3 generate_numpy_spectral.py > numpy_spectral.json   # Debian bookworm python3-sklearn

Windows:
- "backdoor": 120 digits labelled 1 and 10 digits of class 7 carrying a trigger (a 3x3 patch of
  value 16 in the bottom-right corner) relabelled as 1, shuffled; the poisoned rows' indices are
  in "poisoned".
- "clean": the other 62 digits labelled 1 (of 182), no trigger.
"referenceScale" is each pixel's standard deviation over all 1,797 digits plus 1, a diagonal
projection (x / scale) such as a reference profile gives: on raw pixels the natural variation of
the ones dominates the top direction, scaled the rarely-inked corner does.
For each window: the rows, NumPy's top right singular vector of the centred window (sign-normalized so
the entry of largest magnitude is positive, as SpectralSignatures does), the top singular value,
and the scores (squared projections on that vector). Floats are written with repr (round-trip
exact).
"""
import json

import numpy as np
import sklearn
from sklearn.datasets import load_digits

digits = load_digits()
x = digits.data.astype(float)
y = digits.target
rng = np.random.default_rng(20260505)
ones = rng.permutation(np.flatnonzero(y == 1))
sevens = rng.permutation(np.flatnonzero(y == 7))
trigger = [45, 46, 47, 53, 54, 55, 61, 62, 63]


def svd_of(rows):
    centred = rows - rows.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    v = vt[0]
    if v[np.argmax(np.abs(v))] < 0:
        v = -v
    scores = (centred @ v) ** 2
    return {
        "rows": [[float(a) for a in r] for r in rows],
        "topSingularValue": float(s[0]),
        "topSingularVector": [float(a) for a in v],
        "scores": [float(a) for a in scores],
    }


poisoned_rows = x[sevens[:10]].copy()
poisoned_rows[:, trigger] = 16.0
backdoor_rows = np.vstack([x[ones[:120]], poisoned_rows])
is_poisoned = np.array([False] * 120 + [True] * 10)
order = rng.permutation(len(backdoor_rows))
backdoor = svd_of(backdoor_rows[order])
backdoor["poisoned"] = [int(i) for i in np.flatnonzero(is_poisoned[order])]
clean = svd_of(x[ones[120:]])
clean["poisoned"] = []

print(json.dumps({
    "generator": "generate_numpy_spectral.py with scikit-learn %s, NumPy %s"
                 % (sklearn.__version__, np.__version__),
    "trigger": trigger,
    "referenceScale": [float(a) for a in x.std(axis=0) + 1.0],
    "backdoor": backdoor,
    "clean": clean,
}))
