#!/usr/bin/env python3
"""Generates numpy_quantiles.json: exact statistics and quantiles, computed with NumPy, of a data
set that ProfileBuilderTest regenerates bit for bit in Java, as an independent reference for the
profile's sketch-based and exact statistics. The build never runs this script; it is kept next to
its output so the fixture can be regenerated and audited.

    apt-get install -y python3-numpy     # Debian bookworm: NumPy 1.24.2
    /usr/bin/python3 generate_numpy_quantiles.py > numpy_quantiles.json

Data: ROWS rows from SplitMix64 (Steele, Lea & Flood 2014) seeded with SEED; each row draws three
64-bit values z1, z2, z3 in order, u(z) = (z >> 11) * 2**-53, and
  skewed   = 100 * u(z1)**2, missing (NaN) when z1 & 1023 < 31  (about 3%)
  discrete = floor(5 * u(z2)**2)                                (0..4, ties)
  uniform  = 10 * u(z3) - 5
All of it is exact IEEE arithmetic, so Java reproduces the same doubles. Per feature the fixture
holds numpy's count, missing count, min, max, mean, var (ddof 0) of the finite values, and
numpy.quantile(..., method="inverted_cdf") (the smallest value whose share of values <= it is at
least p) at p = 0.001, 0.002, ..., 0.999. Floats are written with repr (round-trip exact).
"""
import json
import sys

import numpy as np

SEED = 20260103
ROWS = 20000
MASK = (1 << 64) - 1


def splitmix64(state):
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def unit(z):
    return (z >> 11) * 2.0 ** -53


def main():
    gen = splitmix64(SEED)
    skewed, discrete, uniform = [], [], []
    for _ in range(ROWS):
        z1, z2, z3 = next(gen), next(gen), next(gen)
        u1 = unit(z1)
        skewed.append(float("nan") if (z1 & 1023) < 31 else 100.0 * (u1 * u1))
        u2 = unit(z2)
        discrete.append(float(np.floor(5.0 * (u2 * u2))))
        uniform.append(10.0 * unit(z3) - 5.0)
    levels = [i / 1000 for i in range(1, 1000)]
    features = {}
    for name, values in (("skewed", skewed), ("discrete", discrete), ("uniform", uniform)):
        a = np.asarray(values, dtype=np.float64)
        finite = a[np.isfinite(a)]
        features[name] = {
            "count": int(finite.size),
            "missing": int(a.size - finite.size),
            "min": float(finite.min()),
            "max": float(finite.max()),
            "mean": float(np.mean(finite)),
            "variance": float(np.var(finite)),
            "quantiles": [float(q) for q in np.quantile(finite, levels, method="inverted_cdf")],
        }
    out = sys.stdout
    out.write("{\"generator\": %s,\n" % json.dumps(
        "generate_numpy_quantiles.py with NumPy %s" % np.__version__))
    out.write("\"seed\": %d, \"rows\": %d,\n" % (SEED, ROWS))
    out.write("\"levels\": \"0.001 to 0.999 step 0.001\",\n")
    out.write("\"features\": {\n")
    out.write(",\n".join("%s: %s" % (json.dumps(k), json.dumps(v)) for k, v in features.items()))
    out.write("\n}}\n")


if __name__ == "__main__":
    main()
