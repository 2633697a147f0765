package io.warden.detectors.extraction;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic traffic with a known truth for the extraction detectors: a "natural" distribution, a
 * Gaussian mixture of {@code classes} unit-variance components in {@code dims} dimensions, and the
 * Bayes classifier of that mixture as the served model (predicted class: nearest component mean;
 * probabilities: the posterior, a softmax of &minus;&#8214;x &minus;
 * &mu;<sub>c</sub>&#8214;&sup2;/2). Benign clients draw their queries i.i.d. from the mixture;
 * attackers synthesise them as the extraction attacks PRADA was designed against do.
 */
final class SyntheticTraffic {

    final int dims;
    final int classes;
    final double[][] means;

    SyntheticTraffic(int dims, int classes, double separation, long seed) {
        this.dims = dims;
        this.classes = classes;
        Random random = new Random(seed);
        this.means = new double[classes][dims];
        for (double[] mean : means) {
            for (int i = 0; i < dims; i++) {
                mean[i] = separation * random.nextGaussian();
            }
        }
    }

    /** A natural query: a component drawn from {@code classWeights}, plus unit Gaussian noise. */
    double[] natural(Random random, double[] classWeights) {
        double u = random.nextDouble();
        int c = 0;
        while (c < classes - 1 && (u -= classWeights[c]) > 0) {
            c++;
        }
        double[] x = new double[dims];
        for (int i = 0; i < dims; i++) {
            x[i] = means[c][i] + random.nextGaussian();
        }
        return x;
    }

    /** Equal weights for every class. */
    double[] uniformWeights() {
        double[] w = new double[classes];
        java.util.Arrays.fill(w, 1.0 / classes);
        return w;
    }

    /** Weights concentrated on a few classes, as a benign client with its own interests. */
    double[] focusedWeights(Random random, int favourites) {
        double[] w = new double[classes];
        for (int k = 0; k < favourites; k++) {
            w[random.nextInt(classes)] += 0.9 / favourites;
        }
        for (int c = 0; c < classes; c++) {
            w[c] += 0.1 / classes;
        }
        return w;
    }

    double[] probabilities(double[] x) {
        double[] logits = new double[classes];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            double sum = 0.0;
            for (int i = 0; i < dims; i++) {
                double d = x[i] - means[c][i];
                sum += d * d;
            }
            logits[c] = -0.5 * sum;
            max = Math.max(max, logits[c]);
        }
        double total = 0.0;
        for (int c = 0; c < classes; c++) {
            logits[c] = Math.exp(logits[c] - max);
            total += logits[c];
        }
        for (int c = 0; c < classes; c++) {
            logits[c] /= total;
        }
        return logits;
    }

    int predict(double[] x) {
        double[] p = probabilities(x);
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * Papernot et al.'s Jacobian-based dataset augmentation (AsiaCCS 2017) as the query stream of
     * an attacker: a few natural seeds, then rounds in which every point so far is moved by
     * &lambda; &middot; sign(&nabla; of the oracle's score for its label), here towards its
     * predicted class's mean, the direction of the served model's own gradient; each round doubles
     * the set. Returns the queries in order, at most {@code limit}.
     */
    List<double[]> jacobianAugmentation(Random random, int seeds, double lambda, int limit) {
        List<double[]> queries = new ArrayList<>();
        for (int s = 0; s < seeds && queries.size() < limit; s++) {
            queries.add(natural(random, uniformWeights()));
        }
        while (queries.size() < limit) {
            int round = queries.size();
            for (int k = 0; k < round && queries.size() < limit; k++) {
                double[] x = queries.get(k);
                double[] mean = means[predict(x)];
                double[] next = new double[dims];
                for (int i = 0; i < dims; i++) {
                    double direction = Math.signum(mean[i] - x[i]);
                    // Alternate the sign per round, as Papernot's periodic step size does, so
                    // points keep moving instead of collapsing onto the class mean.
                    next[i] = x[i] + ((round / seeds) % 2 == 0 ? lambda : -lambda) * direction;
                }
                queries.add(next);
            }
        }
        return queries;
    }

    /**
     * Random perturbations of a few seeds (Juuti et al.'s T-RND without the targeting): each query
     * is a seed plus &lambda; times a random sign in every feature.
     */
    List<double[]> randomPerturbations(Random random, int seeds, double lambda, int count) {
        List<double[]> base = new ArrayList<>();
        for (int s = 0; s < seeds; s++) {
            base.add(natural(random, uniformWeights()));
        }
        List<double[]> queries = new ArrayList<>(base);
        while (queries.size() < count) {
            double[] seed = base.get(random.nextInt(seeds));
            double[] next = new double[dims];
            for (int i = 0; i < dims; i++) {
                next[i] = seed[i] + (random.nextBoolean() ? lambda : -lambda);
            }
            queries.add(next);
        }
        return queries;
    }

    /**
     * Line searches for the decision boundary between pairs of natural points (Tramèr et al.,
     * USENIX Security 2016): bisection along the segment, each query halfway between the last two
     * with different predictions.
     */
    List<double[]> lineSearches(Random random, int steps, int count) {
        List<double[]> queries = new ArrayList<>();
        while (queries.size() < count) {
            double[] a = natural(random, uniformWeights());
            double[] b = natural(random, uniformWeights());
            queries.add(a);
            queries.add(b);
            int classA = predict(a);
            for (int s = 0; s < steps && queries.size() < count; s++) {
                double[] mid = new double[dims];
                for (int i = 0; i < dims; i++) {
                    mid[i] = 0.5 * (a[i] + b[i]);
                }
                queries.add(mid);
                if (predict(mid) == classA) {
                    a = mid;
                } else {
                    b = mid;
                }
            }
        }
        return queries.subList(0, count);
    }
}
