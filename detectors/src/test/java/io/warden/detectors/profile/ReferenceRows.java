package io.warden.detectors.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded reference data for the profile tests. */
final class ReferenceRows {

    private ReferenceRows() {}

    /** The fixture of generate_numpy_quantiles.py. */
    static final JsonNode NUMPY = json("numpy_quantiles.json");

    static final List<String> NUMERIC = List.of("skewed", "discrete", "uniform");

    /**
     * The rows of generate_numpy_quantiles.py: the same SplitMix64 stream and the same exact IEEE
     * arithmetic, so the same doubles as NumPy's.
     */
    static double[][] numpyRows() {
        long state = NUMPY.get("seed").asLong();
        int rows = NUMPY.get("rows").asInt();
        double[][] out = new double[rows][];
        for (int i = 0; i < rows; i++) {
            long z1 = mix(state += 0x9E37_79B9_7F4A_7C15L);
            long z2 = mix(state += 0x9E37_79B9_7F4A_7C15L);
            long z3 = mix(state += 0x9E37_79B9_7F4A_7C15L);
            double u1 = unit(z1);
            double u2 = unit(z2);
            out[i] =
                    new double[] {
                        (z1 & 1023) < 31 ? Double.NaN : 100.0 * (u1 * u1),
                        Math.floor(5.0 * (u2 * u2)),
                        10.0 * unit(z3) - 5.0
                    };
        }
        return out;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    private static double unit(long z) {
        return (z >>> 11) * 0x1.0p-53;
    }

    /** numpy.quantile(method="inverted_cdf") of a feature at level i / 1000, 1 &le; i &le; 999. */
    static double numpyQuantile(String feature, int permille) {
        return NUMPY.get("features").get(feature).get("quantiles").get(permille - 1).asDouble();
    }

    /** A categorical value per row: 5 colours with unequal shares, 2% missing. */
    static String[] colours(Random random, int rows) {
        String[] palette = {"red", "green", "blue", "black", "white"};
        double[] cumulative = {0.4, 0.65, 0.85, 0.95, 1.0};
        String[] out = new String[rows];
        for (int i = 0; i < rows; i++) {
            double u = random.nextDouble();
            if (u < 0.02) {
                continue;
            }
            u = random.nextDouble();
            int k = 0;
            while (u > cumulative[k]) {
                k++;
            }
            out[i] = palette[k];
        }
        return out;
    }

    /** A high-cardinality value per row: about 20,000 distinct ids, a few very frequent. */
    static String[] ids(Random random, int rows) {
        String[] out = new String[rows];
        for (int i = 0; i < rows; i++) {
            double u = random.nextDouble();
            out[i] = u < 0.3 ? "hot-" + random.nextInt(3) : "id-" + random.nextInt(20_000);
        }
        return out;
    }

    /** 3-class probability vectors: a peaked class drawn with unequal priors, some near-uniform. */
    static List<double[]> probabilities(Random random, int rows) {
        List<double[]> out = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            double u = random.nextDouble();
            int top = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
            double[] logits = new double[3];
            for (int c = 0; c < 3; c++) {
                logits[c] = random.nextGaussian() + (c == top ? 1 + 3 * random.nextDouble() : 0);
            }
            double max = Math.max(logits[0], Math.max(logits[1], logits[2]));
            double sum = 0;
            double[] p = new double[3];
            for (int c = 0; c < 3; c++) {
                p[c] = Math.exp(logits[c] - max);
                sum += p[c];
            }
            for (int c = 0; c < 3; c++) {
                p[c] /= sum;
            }
            out.add(p);
        }
        return out;
    }

    static final ProfileSchema SCHEMA =
            ProfileSchema.of(NUMERIC, List.of("colour", "id"), List.of("cat", "dog", "bird"));

    /** The NumPy rows with a colour, an id and (for 9 rows in 10) a probability vector each. */
    static final Dataset DATA = dataset();

    record Dataset(
            double[][] numeric, String[] colours, String[] ids, List<double[]> probabilities) {

        int rows() {
            return numeric.length;
        }

        /** The probability vector of a row, or null for every tenth row (no prediction). */
        double[] probabilities(int row) {
            return row % 10 == 9 ? null : probabilities.get(row);
        }

        /** Adds rows [from, to) to the builder. */
        ProfileBuilder addTo(ProfileBuilder builder, int from, int to) {
            for (int i = from; i < to; i++) {
                builder.add(numeric[i], new String[] {colours[i], ids[i]}, probabilities(i));
            }
            return builder;
        }
    }

    private static Dataset dataset() {
        double[][] numeric = numpyRows();
        Random random = new Random(11);
        return new Dataset(
                numeric,
                colours(random, numeric.length),
                ids(random, numeric.length),
                probabilities(random, numeric.length));
    }

    static JsonNode json(String resource) {
        try (InputStream in = ReferenceRows.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
