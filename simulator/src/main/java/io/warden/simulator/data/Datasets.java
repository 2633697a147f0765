package io.warden.simulator.data;

import io.warden.detectors.onnx.ModelFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * The two small public data sets vendored with the simulator (see {@code DATASETS.md} next to the
 * files for source, citation and licence), each pinned by the SHA-256 of its file, and a seeded
 * stratified train/test split.
 *
 * <ul>
 *   <li>{@link #digits()}: UCI optical recognition of handwritten digits, the 8x8 version
 *       scikit-learn ships (Alpaydin &amp; Kaynak 1998): 1,797 rows, 64 pixel counts in 0..16,
 *       classes {@code 0}..{@code 9}.
 *   <li>{@link #breastCancer()}: UCI breast cancer Wisconsin (diagnostic) (Street, Wolberg &amp;
 *       Mangasarian 1993): 569 rows, 30 real-valued nucleus features, classes {@code malignant}
 *       (212) and {@code benign} (357).
 * </ul>
 */
public final class Datasets {

    /** The digits file, scikit-learn's {@code digits.csv.gz}. */
    public static final String DIGITS_FILE = "digits.csv.gz";

    /** SHA-256 of {@value #DIGITS_FILE}, from {@code sha256sum}. */
    public static final String DIGITS_SHA256 =
            "46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a";

    /** The breast-cancer file, scikit-learn's {@code breast_cancer.csv}. */
    public static final String BREAST_CANCER_FILE = "breast_cancer.csv";

    /** SHA-256 of {@value #BREAST_CANCER_FILE}, from {@code sha256sum}. */
    public static final String BREAST_CANCER_SHA256 =
            "fed3eb72d0575ef6192293f5093c6e801b1476b577d0386bf4455504522172ed";

    /** The largest pixel value of the digits set: a pixel counts the on-pixels of a 4x4 block. */
    public static final double DIGITS_MAX_PIXEL = 16;

    /** The breast-cancer features, as scikit-learn's {@code load_breast_cancer} names them. */
    private static final List<String> BREAST_CANCER_FEATURES =
            List.of(
                    "mean radius",
                    "mean texture",
                    "mean perimeter",
                    "mean area",
                    "mean smoothness",
                    "mean compactness",
                    "mean concavity",
                    "mean concave points",
                    "mean symmetry",
                    "mean fractal dimension",
                    "radius error",
                    "texture error",
                    "perimeter error",
                    "area error",
                    "smoothness error",
                    "compactness error",
                    "concavity error",
                    "concave points error",
                    "symmetry error",
                    "fractal dimension error",
                    "worst radius",
                    "worst texture",
                    "worst perimeter",
                    "worst area",
                    "worst smoothness",
                    "worst compactness",
                    "worst concavity",
                    "worst concave points",
                    "worst symmetry",
                    "worst fractal dimension");

    private Datasets() {}

    /**
     * The 8x8 digits: features {@code pixel_<row>_<column>} (row-major), classes {@code "0"} to
     * {@code "9"}. The file has no header; each line is 64 pixel values and the digit.
     *
     * @throws IllegalStateException when the vendored file is missing, does not match its pin, or
     *     does not parse
     */
    public static Dataset digits() {
        List<String> lines = lines(gunzip(resource(DIGITS_FILE, DIGITS_SHA256)));
        List<String> featureNames = new ArrayList<>();
        for (int r = 0; r < 8; r++) {
            for (int c = 0; c < 8; c++) {
                featureNames.add("pixel_" + r + "_" + c);
            }
        }
        List<String> classNames = new ArrayList<>();
        for (int digit = 0; digit < 10; digit++) {
            classNames.add(Integer.toString(digit));
        }
        return parse("digits", DIGITS_FILE, lines, 0, featureNames, classNames);
    }

    /**
     * The Wisconsin diagnostic breast-cancer set: 30 features named as scikit-learn names them,
     * classes {@code malignant} (label 0) and {@code benign} (label 1). The file's header line
     * holds the row and feature counts and the class names.
     *
     * @throws IllegalStateException when the vendored file is missing, does not match its pin, or
     *     does not parse
     */
    public static Dataset breastCancer() {
        List<String> lines = lines(resource(BREAST_CANCER_FILE, BREAST_CANCER_SHA256));
        String[] header = lines.get(0).split(",");
        if (header.length < 4
                || Integer.parseInt(header[0]) != lines.size() - 1
                || Integer.parseInt(header[1]) != BREAST_CANCER_FEATURES.size()) {
            throw new IllegalStateException(
                    BREAST_CANCER_FILE + ": unexpected header '" + lines.get(0) + "'");
        }
        List<String> classNames = List.of(Arrays.copyOfRange(header, 2, header.length));
        return parse(
                "breast-cancer", BREAST_CANCER_FILE, lines, 1, BREAST_CANCER_FEATURES, classNames);
    }

    /**
     * The valid pixel box of the digits, {@code [0, 16]} for every pixel (see {@link
     * #DIGITS_MAX_PIXEL}).
     */
    public static FeatureBox digitsBox() {
        return FeatureBox.uniform(64, 0, DIGITS_MAX_PIXEL);
    }

    /**
     * A stratified split: from each class, in label order, {@code round(n_class * testFraction)}
     * rows (at least one, and at least one left for training) drawn by a Fisher-Yates shuffle of
     * the class's row indices with one {@link Random} seeded by {@code seed}. Both parts keep the
     * rows in their original order. The same data, fraction and seed give the same split on every
     * JVM ({@link Random}'s sequence is specified).
     *
     * @throws IllegalArgumentException when the fraction is not strictly between 0 and 1 or a class
     *     has fewer than two rows
     */
    public static Dataset.Split stratifiedSplit(Dataset data, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException(
                    "testFraction must lie strictly between 0 and 1, but is " + testFraction);
        }
        Random random = new Random(seed);
        boolean[] isTest = new boolean[data.size()];
        int testCount = 0;
        for (int c = 0; c < data.classCount(); c++) {
            List<Integer> members = new ArrayList<>();
            for (int r = 0; r < data.size(); r++) {
                if (data.label(r) == c) {
                    members.add(r);
                }
            }
            int n = members.size();
            if (n < 2) {
                throw new IllegalArgumentException(
                        data.name()
                                + ": class '"
                                + data.classNames().get(c)
                                + "' has "
                                + n
                                + " rows; a stratified split needs at least 2");
            }
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                Integer swap = members.get(i);
                members.set(i, members.get(j));
                members.set(j, swap);
            }
            int take = (int) Math.max(1, Math.min(n - 1, Math.round(n * testFraction)));
            for (int k = 0; k < take; k++) {
                isTest[members.get(k)] = true;
            }
            testCount += take;
        }
        int[] train = new int[data.size() - testCount];
        int[] test = new int[testCount];
        int a = 0;
        int b = 0;
        for (int r = 0; r < data.size(); r++) {
            if (isTest[r]) {
                test[b++] = r;
            } else {
                train[a++] = r;
            }
        }
        return new Dataset.Split(
                data.subset(data.name() + "-train", train),
                data.subset(data.name() + "-test", test));
    }

    private static Dataset parse(
            String name,
            String file,
            List<String> lines,
            int skip,
            List<String> featureNames,
            List<String> classNames) {
        int d = featureNames.size();
        int n = lines.size() - skip;
        double[][] rows = new double[n][d];
        int[] labels = new int[n];
        for (int r = 0; r < n; r++) {
            String[] fields = lines.get(r + skip).split(",");
            if (fields.length != d + 1) {
                throw new IllegalStateException(
                        file
                                + " line "
                                + (r + skip + 1)
                                + ": "
                                + fields.length
                                + " fields, expected "
                                + (d + 1));
            }
            try {
                for (int i = 0; i < d; i++) {
                    rows[r][i] = Float.parseFloat(fields[i]);
                }
                labels[r] = (int) Float.parseFloat(fields[d]);
            } catch (NumberFormatException e) {
                throw new IllegalStateException(
                        file + " line " + (r + skip + 1) + ": " + e.getMessage(), e);
            }
        }
        return new Dataset(name, rows, labels, featureNames, classNames);
    }

    private static byte[] resource(String file, String sha256) {
        byte[] bytes;
        try (InputStream in = Datasets.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException(
                        "vendored data set " + file + " is missing from the class path");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read vendored data set " + file, e);
        }
        String actual = ModelFile.sha256Of(bytes);
        if (!actual.equals(sha256)) {
            throw new IllegalStateException(
                    "vendored data set "
                            + file
                            + " has SHA-256 "
                            + actual
                            + ", but "
                            + sha256
                            + " is pinned");
        }
        return bytes;
    }

    private static byte[] gunzip(byte[] bytes) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decompress " + DIGITS_FILE, e);
        }
    }

    private static List<String> lines(byte[] bytes) {
        List<String> lines = new ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.US_ASCII).split("\r?\n")) {
            if (!line.isBlank()) {
                lines.add(line.strip());
            }
        }
        return lines;
    }
}
