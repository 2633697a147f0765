package io.warden.jobs.demo;

import io.warden.schemas.FeedbackRecord;
import io.warden.schemas.codec.AvroCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The demo's poisoners of the feedback stream, and the trusted labels the per-record detectors are
 * fitted from. Two poisoners, with known truth:
 *
 * <ul>
 *   <li>{@link #FLIPPER}, one of the labellers, labels the requests of class {@code alpha} it gets
 *       as {@code bravo} (label flipping: a REVIEW for the contributor, a QUARANTINE per record);
 *   <li>{@link #BACKDOOR}, sends records with their own features: {@code alpha} samples with a
 *       trigger on two features, labelled {@code delta} (a backdoor; a QUARANTINE per record).
 * </ul>
 */
final class DemoPoisoners {
    private DemoPoisoners() {}

    /** The label flipper's contributor id. */
    static final String FLIPPER = "labeller-6";

    /** The backdoor poisoner's contributor id. */
    static final String BACKDOOR = "labeller-9";

    /** The backdoor poisoner sends one record per this many played requests. */
    static final int BACKDOOR_EVERY = 40;

    /** Feedback ids of the backdoor poisoner's records start with this. */
    static final String BACKDOOR_PREFIX = "fb-backdoor-";

    /** Trusted rows per class: 2/alpha - 2 for the conformal p-values at alpha 0.001, and more. */
    static final int TRUSTED_PER_CLASS = 2_000;

    private static final int SOURCE_CLASS = 0;
    private static final int TARGET_CLASS = 3;
    private static final int FLIPPED_FROM = 0;
    private static final int FLIPPED_TO = 1;
    private static final double TRIGGER = 4.0;

    /** The label a labeller gives a request of {@code trueClass}: the flipper flips one class. */
    static int label(String labeller, int trueClass) {
        return labeller.equals(FLIPPER) && trueClass == FLIPPED_FROM ? FLIPPED_TO : trueClass;
    }

    /**
     * Writes trusted labelled samples of the demo model's classes as the CSV that {@code
     * detectors.poisoning.records.reference} reads.
     */
    static Path writeTrustedLabels(DemoModel model, Path file, long seed) {
        Random r = new Random(seed);
        StringBuilder csv = new StringBuilder(String.join(",", model.featureNames()));
        csv.append(",label\n");
        for (int i = 0; i < TRUSTED_PER_CLASS * model.classes(); i++) {
            int c = i % model.classes();
            for (double v : model.sample(c, r)) {
                csv.append(String.format(Locale.ROOT, "%.6f,", v));
            }
            csv.append(DemoModel.CLASSES.get(c)).append('\n');
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    /** The backdoor poisoner's n-th record: a triggered source-class sample, target label. */
    static byte[] backdoorRecord(DemoModel model, Random r, long n, Instant time) {
        double[] x = model.sample(SOURCE_CLASS, r);
        x[x.length - 2] += TRIGGER;
        x[x.length - 1] += TRIGGER;
        return AvroCodec.standard()
                .encode(
                        FeedbackRecord.newBuilder()
                                .setFeedbackId(BACKDOOR_PREFIX + n)
                                .setEventTime(time)
                                .setModelName(DemoModel.NAME)
                                .setModelVersion(DemoModel.VERSION)
                                .setContributorId(BACKDOOR)
                                .setLabel(DemoModel.CLASSES.get(TARGET_CLASS))
                                .setFeatures(List.of(DemoTraffic.tensor(DemoModel.INPUT_TENSOR, x)))
                                .setAttributes(Map.of())
                                .build());
    }
}
