#!/usr/bin/env python3
"""Generates sklearn_performance.json: classification metrics computed by scikit-learn, SciPy and
NumPy, as an independent reference for the tests of io.warden.detectors.performance. The build
never runs this script; it is kept next to its output so the fixture can be regenerated and
audited.

    apt-get install -y python3-sklearn python3-scipy
    # Debian bookworm: scikit-learn 1.2.1, SciPy 1.10.1, NumPy 1.24.2
    /usr/bin/python3 generate_sklearn_performance.py > sklearn_performance.json

Sections:
  cases     seeded labelled predictions (predicted class, true class, confidence = the max
              softmax probability of the answer) with sklearn.metrics accuracy_score,
              recall_score and precision_score (average=None over all classes, zero_division=0,
              classes without support or predictions marked in 'recall_defined' /
              'precision_defined'), the expected calibration error over equal-width confidence
              bins (formula below) and the mean confidence
  binomtest one-sided exact binomial tests scipy.stats.binomtest(k, n, p, alternative='less')
              with their p-values and the 95% Wilson score interval of k / n
              (BinomTestResult.proportion_ci(0.95, method='wilson'))

ECE (Guo et al., ICML 2017), written here independently of the Java code: bin b of M holds the
rows whose confidence c has min(floor(c * M), M - 1) == b; ECE = sum over non-empty bins of
(n_b / n) * |accuracy_b - mean confidence_b|.

Confidences are rounded to 9 decimals so that the Java side's fixed-point sums (units of 1e-9)
are exact.
"""
import json
import sys

import numpy as np
import scipy
import sklearn
from scipy.stats import binomtest
from sklearn.metrics import accuracy_score, precision_score, recall_score


def ece(pred, true, conf, bins):
    idx = np.minimum(np.floor(conf * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = idx == b
        if mask.any():
            acc = np.mean(pred[mask] == true[mask])
            total += mask.sum() / len(pred) * abs(acc - np.mean(conf[mask]))
    return total


def case(seed, n, classes, accuracy, bins):
    rng = np.random.default_rng(seed)
    true = rng.integers(0, classes, n)
    wrong = (true + rng.integers(1, classes, n)) % classes
    correct = rng.random(n) < accuracy
    pred = np.where(correct, true, wrong)
    # Over-confident answers: confidence a little above the accuracy, noisy.
    conf = np.clip(rng.normal(accuracy + 0.05, 0.1, n), 1.0 / classes, 1.0)
    conf = np.round(conf, 9)
    labels = list(range(classes))
    support = np.bincount(true, minlength=classes)
    predicted = np.bincount(pred, minlength=classes)
    return {
        "seed": seed,
        "classes": classes,
        "bins": bins,
        "predicted": pred.tolist(),
        "actual": true.tolist(),
        "confidence": conf.tolist(),
        "accuracy": accuracy_score(true, pred),
        "recall": recall_score(true, pred, labels=labels, average=None, zero_division=0).tolist(),
        "recall_defined": (support > 0).tolist(),
        "precision": precision_score(
            true, pred, labels=labels, average=None, zero_division=0
        ).tolist(),
        "precision_defined": (predicted > 0).tolist(),
        "ece": ece(pred, true, conf, bins),
        "mean_confidence": float(np.mean(conf)),
    }


def binom(k, n, p):
    r = binomtest(k, n, p, alternative="less")
    # The interval of the two-sided test at 95%, as the Java side reports it.
    ci = binomtest(k, n, p).proportion_ci(0.95, method="wilson")
    return {"k": k, "n": n, "p": p, "p_value": r.pvalue, "wilson_low": ci.low, "wilson_high": ci.high}


def main():
    cases = [
        case(1, 400, 3, 0.9, 10),
        case(2, 1000, 10, 0.7, 10),
        case(3, 250, 5, 0.5, 15),
        # Few rows over many classes: some classes have no support or no predictions.
        case(4, 12, 8, 0.6, 10),
    ]
    tests = [
        binom(850, 1000, 0.85),
        binom(820, 1000, 0.85),
        binom(80, 100, 0.85),
        binom(70, 100, 0.85),
        binom(0, 20, 0.5),
        binom(20, 20, 0.9),
        binom(4123, 5000, 0.85),
        binom(9, 10, 0.95),
    ]
    json.dump(
        {
            "generator": "generate_sklearn_performance.py",
            "versions": {
                "numpy": np.__version__,
                "scipy": scipy.__version__,
                "sklearn": sklearn.__version__,
            },
            "cases": cases,
            "binomtest": tests,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
