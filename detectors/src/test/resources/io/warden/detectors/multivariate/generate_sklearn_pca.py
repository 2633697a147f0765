#!/usr/bin/env python3
"""Generates sklearn_pca.json: a seeded data set and what NannyML's data-reconstruction steps
give on it with scikit-learn (StandardScaler, then PCA), as an independent reference for
PcaReconstructionTest. The build never runs this script; it is kept next to its output so the
fixture can be regenerated and audited.

    apt-get install -y python3-sklearn   # Debian bookworm: scikit-learn 1.2.1, NumPy 1.24.2
    /usr/bin/python3 generate_sklearn_pca.py > sklearn_pca.json

Data: 400 rows of 6 features from 2 latent factors plus noise, features on different scales, and
a constant feature. For each variance share, the fixture holds the number of components PCA keeps,
all explained variance ratios (full PCA), and the reconstruction errors of every row as NannyML
computes them: the Euclidean norm of scaled - pca.inverse_transform(pca.transform(scaled)).
Floats are written with repr (round-trip exact).
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

rng = np.random.default_rng(20260101)
n = 400
latent = rng.normal(size=(n, 2))
loadings = np.array([
    [1.0, 0.0],
    [0.8, 0.3],
    [0.0, 1.0],
    [-0.5, 0.7],
    [0.3, -0.2],
])
noise = rng.normal(scale=0.4, size=(n, 5))
raw = latent @ loadings.T + noise
scales = np.array([1.0, 10.0, 0.1, 3.0, 100.0])
offsets = np.array([0.0, 50.0, -2.0, 7.0, 1000.0])
data = np.column_stack([raw * scales + offsets, np.full(n, 4.5)])

scaler = StandardScaler()
scaled = scaler.fit_transform(data)
full = PCA().fit(scaled)

cases = []
for share in (0.65, 0.9, 0.3):
    pca = PCA(n_components=share, random_state=16).fit(scaled)
    reconstructed = pca.inverse_transform(pca.transform(scaled))
    errors = np.linalg.norm(scaled - reconstructed, axis=1)
    cases.append({
        "share": share,
        "components": int(pca.n_components_),
        "errors": [float(e) for e in errors],
    })

fixture = {
    "generator": "generate_sklearn_pca.py with scikit-learn %s, NumPy %s"
                 % (sklearn.__version__, np.__version__),
    "mean": [float(v) for v in scaler.mean_],
    "scale": [float(v) for v in scaler.scale_],
    "explainedVarianceRatio": [float(v) for v in full.explained_variance_ratio_],
    "cases": cases,
    "data": [[float(v) for v in row] for row in data],
}
# One line per key (and per data row), so diffs of a regenerated fixture stay readable.
out = sys.stdout
out.write("{\n")
keys = list(fixture)
for i, key in enumerate(keys):
    end = ",\n" if i < len(keys) - 1 else "\n"
    if key == "data":
        rows = ",\n".join("  " + json.dumps(row) for row in fixture[key])
        out.write('"data": [\n' + rows + "\n]" + end)
    else:
        out.write(json.dumps(key) + ": " + json.dumps(fixture[key]) + end)
out.write("}\n")
