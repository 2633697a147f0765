"""Writes auc-sklearn.json: seeded scores (with ties) and scikit-learn's roc_auc_score for them.

Run once from this folder with Debian's python3 (scikit-learn 1.2.1):
    /usr/bin/python3 auc_fixture.py > auc-sklearn.json
"""
import json

import numpy as np
from sklearn.metrics import roc_auc_score

rng = np.random.default_rng(20260101)
cases = []
for name, p, n, shift, decimals in [
    ("separated", 40, 200, 1.5, 3),
    ("overlapping", 150, 150, 0.2, 3),
    ("coarse-ties", 60, 90, 0.5, 0),
    ("worse-than-chance", 30, 70, -0.8, 2),
]:
    pos = np.round(rng.normal(shift, 1.0, p), decimals)
    neg = np.round(rng.normal(0.0, 1.0, n), decimals)
    y = np.concatenate([np.ones(p), np.zeros(n)])
    s = np.concatenate([pos, neg])
    cases.append(
        {
            "name": name,
            "positives": pos.tolist(),
            "negatives": neg.tolist(),
            "auc": float(roc_auc_score(y, s)),
        }
    )
print(json.dumps({"generator": "sklearn.metrics.roc_auc_score 1.2.1", "cases": cases}))
