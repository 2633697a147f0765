package io.warden.jobs.profile;

import io.warden.detectors.multivariate.MultivariateReference;
import io.warden.detectors.multivariate.PcaDriftReference;
import io.warden.detectors.profile.NumericFeatureProfile;
import io.warden.detectors.profile.PredictionProfile;
import io.warden.detectors.profile.ReferenceProfile;
import io.warden.schemas.DeadLetterReason;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What {@code warden profile} tells the user about the records it read and the profile built. */
public final class ProfileSummary {
    /** Features listed one by one before the list is abbreviated. */
    private static final int LISTED = 10;

    private ProfileSummary() {}

    /** The record counts: profiled, skipped by reason, other models. */
    public static String records(ProfileRun run) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%,d profiled", run.used()));
        sb.append(String.format(Locale.ROOT, ", %,d skipped", run.skippedTotal()));
        if (run.skippedTotal() > 0) {
            sb.append(" (")
                    .append(percent(run.invalidShare()))
                    .append(": ")
                    .append(reasons(run.skipped()))
                    .append(')');
        }
        if (run.otherModelRecords() > 0) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            ", %,d of other models %s",
                            run.otherModelRecords(),
                            run.otherModels()));
        }
        return sb.toString();
    }

    private static String reasons(Map<DeadLetterReason, Long> skipped) {
        List<String> parts = new ArrayList<>();
        skipped.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s %,d", k, v)));
        return String.join(", ", parts);
    }

    /**
     * The summary of a written profile, one line per item, ready to print.
     *
     * @param sha256 the file's SHA-256
     * @param createdNote said after the creation time, e.g. how to reproduce it; may be empty
     */
    public static List<String> describe(
            ProfileRun run, ReferenceProfile profile, String sha256, String createdNote) {
        List<String> lines = new ArrayList<>();
        lines.add(item("id", profile.id()));
        lines.add(item("sha256", sha256));
        lines.add(
                item(
                        "model",
                        profile.modelName()
                                + profile.modelVersion()
                                        .map(v -> " version " + v)
                                        .orElse(" (every version its config entry covers)")));
        lines.add(item("source", profile.source()));
        lines.add(item("created", profile.created() + createdNote));
        lines.add(item("records", records(run)));
        lines.add(item("rows", String.format(Locale.ROOT, "%,d", profile.rows())));
        List<String> names = profile.schema().numericFeatures();
        lines.add(item("features", names.size() + " numeric: " + abbreviate(names)));
        lines.add(item("missing", missing(profile)));
        lines.add(item("predictions", predictions(run, profile)));
        lines.add(item("PCA", pca(profile)));
        return lines;
    }

    /**
     * The lines to put in the model's entry of {@code warden.yaml}.
     *
     * @param profileFile where the profile was written
     * @param configFile the config the model's entry is in; the path is given relative to its
     *     folder, as the config resolves it, when the file is below that folder
     */
    public static List<String> configSnippet(Path profileFile, Path configFile, String sha256) {
        Path file = profileFile.toAbsolutePath().normalize();
        Path base = configFile.toAbsolutePath().normalize().getParent();
        String shown =
                base != null && file.startsWith(base)
                        ? base.relativize(file).toString().replace('\\', '/')
                        : file.toString();
        return List.of("profile: " + shown, "profile-sha256: " + sha256);
    }

    private static String missing(ReferenceProfile profile) {
        List<String> parts = new ArrayList<>();
        for (NumericFeatureProfile f : profile.numeric()) {
            if (f.missing() > 0) {
                parts.add(f.name() + " " + percent(f.missingRate()));
            }
        }
        if (parts.isEmpty()) {
            return "0% in every feature";
        }
        return parts.size() <= LISTED
                ? String.join(", ", parts)
                : String.join(", ", parts.subList(0, LISTED))
                        + " and "
                        + (parts.size() - LISTED)
                        + " more features";
    }

    private static String predictions(ProfileRun run, ReferenceProfile profile) {
        if (profile.predictions().isEmpty()) {
            return "none: "
                    + (run.hasPredictions()
                            ? "the model has no classes"
                            : "the input holds requests or features only, no model outputs,"
                                    + " so the profile has no class priors and no confidence"
                                    + " reference (the confidence detector then needs its own"
                                    + " reference-file; drift checks features and PCA only)");
        }
        PredictionProfile p = profile.predictions().get();
        List<String> priors = new ArrayList<>();
        for (int i = 0; i < p.classCount(); i++) {
            priors.add(p.classLabels().get(i) + " " + percent(p.prior(i)));
        }
        return String.format(
                Locale.ROOT,
                "yes, %,d predictions of %d classes; predicted-class priors %s",
                p.count(),
                p.classCount(),
                abbreviate(priors));
    }

    private static String pca(ReferenceProfile profile) {
        MultivariateReference m = profile.multivariate().orElse(null);
        if (m == null) {
            return "none: fewer than 2 numeric features";
        }
        PcaDriftReference pca = m.pca().orElse(null);
        if (pca == null) {
            return "none: fewer than 2 complete rows";
        }
        return String.format(
                Locale.ROOT,
                "%d of %d components explain %s of the variance (target %s), from %,d rows",
                pca.reconstruction().componentCount(),
                pca.reconstruction().dimension(),
                percent(pca.reconstruction().explainedVariance()),
                percent(pca.reconstruction().varianceShare()),
                m.rows());
    }

    private static String item(String key, String value) {
        return String.format(Locale.ROOT, "  %-12s %s", key, value);
    }

    private static String abbreviate(List<String> items) {
        if (items.size() <= LISTED) {
            return String.join(", ", items);
        }
        return String.join(", ", items.subList(0, LISTED - 1))
                + ", ... ("
                + (items.size() - LISTED)
                + " more), "
                + items.get(items.size() - 1);
    }

    static String percent(double share) {
        if (share > 0 && share < 0.0001) {
            return "<0.01%";
        }
        return String.format(Locale.ROOT, "%.2f%%", 100 * share);
    }
}
