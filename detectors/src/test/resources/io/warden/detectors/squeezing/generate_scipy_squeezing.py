"""Reference values for the feature-squeezing tests, as Xu et al.'s code computes them.

Median smoothing: scipy.ndimage.median_filter(image, size=window, mode="reflect").
Bit-depth reduction: np.rint(x * (2**bits - 1)) / (2**bits - 1) on values scaled to [0, 1].

Run with Debian's python3 (SciPy 1.10.1, NumPy 1.24.2):
    /usr/bin/python3 generate_scipy_squeezing.py > scipy_squeezing.json
"""
import json

import numpy as np
import scipy
from scipy import ndimage

rng = np.random.default_rng(20261203)
out = {"scipy": scipy.__version__, "numpy": np.__version__, "median": [], "bit_depth": []}
shapes = [(8, 8), (5, 7), (3, 3)]
for (h, w) in shapes:
    for window in (2, 3):
        if window > min(h, w):
            continue
        # integer-valued pixels (many ties), as in the digits set, and continuous ones
        for image in (rng.integers(0, 17, size=(h, w)).astype(np.float32),
                      rng.normal(size=(h, w)).astype(np.float32)):
            smoothed = ndimage.median_filter(image, size=window, mode="reflect")
            out["median"].append({"height": h, "width": w, "window": window,
                                  "image": image.ravel().tolist(),
                                  "smoothed": smoothed.ravel().tolist()})
for bits in (1, 2, 3, 4, 5):
    x = np.concatenate([rng.uniform(-2, 18, size=40), np.arange(0, 17)]).astype(np.float32)
    t = np.clip(x.astype(np.float64) / 16.0, 0, 1)
    levels = 2 ** bits - 1
    squeezed = np.rint(t * levels) / levels * 16.0
    out["bit_depth"].append({"bits": bits, "min": 0.0, "max": 16.0,
                             "x": x.tolist(), "squeezed": squeezed.astype(np.float32).tolist()})
print(json.dumps(out))
