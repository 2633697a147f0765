package io.warden.detectors.evaluation;

import io.warden.detectors.evaluation.EvaluationReport.AlertCount;
import io.warden.detectors.evaluation.EvaluationReport.AucResult;
import io.warden.detectors.evaluation.EvaluationReport.DecisionCount;
import io.warden.detectors.evaluation.EvaluationReport.DriftDetection;
import io.warden.detectors.evaluation.EvaluationReport.Inputs;
import io.warden.detectors.evaluation.EvaluationReport.RequestRate;
import io.warden.detectors.evaluation.EvaluationReport.RoleResult;
import io.warden.detectors.evaluation.EvaluationReport.SubjectResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** An {@link EvaluationReport} as plain-text tables for a terminal. */
public final class EvaluationText {
    private EvaluationText() {}

    public static String render(EvaluationReport r) {
        StringBuilder out = new StringBuilder();
        Inputs in = r.inputs();
        out.append(
                String.format(
                        Locale.ROOT,
                        "Read %d alerts, %d decisions, %d drift reports, %s requests%s.%n"
                                + "Truth: %d clients, %d attack requests, %d contributors, %d"
                                + " poisoned feedback records, %d drift periods.%n",
                        in.alerts(),
                        in.decisions(),
                        in.driftReports(),
                        in.requests() == null ? "no" : Integer.toString(in.requests()),
                        in.duplicatesDropped() == 0
                                ? ""
                                : " (" + in.duplicatesDropped() + " repeated ids dropped)",
                        in.truthClients(),
                        in.truthRequests(),
                        in.truthContributors(),
                        in.truthFeedback(),
                        in.truthDrifts()));

        Table roles =
                new Table(
                        "Attackers by role",
                        "subject",
                        "role",
                        "total",
                        "caught",
                        "with decision",
                        "median until caught",
                        "median delay");
        for (RoleResult x : r.roles()) {
            roles.row(
                    x.subject(),
                    x.role(),
                    x.total(),
                    x.caught(),
                    x.withDecision(),
                    x.medianUntilCaught() == null
                            ? "-"
                            : number(x.medianUntilCaught())
                                    + (x.subject().equals("client") ? " queries" : " records"),
                    x.medianDelaySeconds() == null ? "-" : seconds(x.medianDelaySeconds()));
        }
        roles.appendTo(out);

        Table each =
                new Table(
                        "Attackers",
                        "subject",
                        "id",
                        "role",
                        "first alert",
                        "at",
                        "delay",
                        "until caught",
                        "requests",
                        "first decision");
        for (SubjectResult x : r.attackers()) {
            each.row(
                    x.subject(),
                    x.id(),
                    x.role(),
                    x.caught() ? x.firstAlertKind() : "NOT CAUGHT",
                    dash(x.firstAlertTime()),
                    x.delaySeconds() == null ? "-" : seconds(x.delaySeconds()),
                    x.untilCaught() == null
                            ? "-"
                            : x.untilCaught() + " (" + x.untilCaughtSource() + ")",
                    x.requests() == null ? "-" : x.requests(),
                    dash(x.firstDecision()));
        }
        each.appendTo(out);

        alerts("Alerts by kind", "kind", r.alertKinds()).appendTo(out);
        alerts("Alerts by detector", "detector", r.detectors()).appendTo(out);

        Table rates =
                new Table(
                        "Per-request detection (request-level alerts)",
                        "alert kind",
                        "attack",
                        "detected",
                        "rate",
                        "false flags",
                        "false-positive rate");
        for (RequestRate x : r.requestRates()) {
            rates.row(
                    x.alertKind(),
                    dash(x.attack()),
                    x.detected() + " / " + x.attackRequests(),
                    percent(x.detectionRate()),
                    x.falseFlags() + (x.benignRequests() == null ? "" : " / " + x.benignRequests()),
                    percent(x.falsePositiveRate()));
        }
        rates.appendTo(out);

        Table aucs =
                new Table(
                        "AUC of per-request scores (attack vs benign requests)",
                        "detector",
                        "attack",
                        "attack requests",
                        "benign requests",
                        "AUC");
        for (AucResult x : r.aucs()) {
            aucs.row(
                    x.detector(),
                    x.attack(),
                    x.positives(),
                    x.negatives(),
                    String.format(Locale.ROOT, "%.3f", x.auc()));
        }
        aucs.appendTo(out);

        Table decisions =
                new Table(
                        "Decisions",
                        "action",
                        "target",
                        "decisions",
                        "on attackers",
                        "on benign",
                        "unjudged");
        for (DecisionCount x : r.decisions()) {
            decisions.row(
                    x.action(),
                    x.targetType(),
                    x.decisions(),
                    x.onAttackers(),
                    x.onBenign(),
                    x.unjudged());
        }
        decisions.appendTo(out);

        Table drifts =
                new Table(
                        "Drift periods",
                        "model",
                        "segment",
                        "start",
                        "end",
                        "detected by",
                        "first at",
                        "delay");
        for (DriftDetection x : r.drifts()) {
            drifts.row(
                    x.model(),
                    dash(x.segment()),
                    x.start(),
                    x.end(),
                    x.source() == null ? "MISSED" : x.source(),
                    dash(x.firstTime()),
                    x.delaySeconds() == null ? "-" : seconds(x.delaySeconds()));
        }
        drifts.appendTo(out);
        return out.toString();
    }

    private static Table alerts(String title, String first, List<AlertCount> counts) {
        Table t =
                new Table(
                        title,
                        first,
                        "alerts",
                        "true",
                        "false",
                        "false in drift",
                        "unjudged",
                        "notices");
        for (AlertCount x : counts) {
            t.row(
                    x.name(),
                    x.alerts(),
                    x.trueAlerts(),
                    x.falseAlerts(),
                    x.falseDuringDrift(),
                    x.unjudged(),
                    x.notices());
        }
        return t;
    }

    private static String dash(Object o) {
        return o == null ? "-" : o.toString();
    }

    private static String percent(Double rate) {
        return rate == null ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * rate);
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.2f s", s);
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** A titled table: the first column left-aligned, the others right-aligned. */
    private static final class Table {
        private final String title;
        private final List<String[]> rows = new ArrayList<>();

        Table(String title, String... header) {
            this.title = title;
            rows.add(header);
        }

        void row(Object... cells) {
            rows.add(Arrays.stream(cells).map(String::valueOf).toArray(String[]::new));
        }

        void appendTo(StringBuilder out) {
            out.append(System.lineSeparator()).append(title);
            if (rows.size() == 1) {
                out.append(": none").append(System.lineSeparator());
                return;
            }
            out.append(System.lineSeparator());
            int[] width = new int[rows.get(0).length];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    width[i] = Math.max(width[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder(" ");
                for (int i = 0; i < row.length; i++) {
                    line.append(' ');
                    String pad = " ".repeat(width[i] - row[i].length());
                    line.append(i == 0 ? row[i] + pad : pad + row[i]).append(' ');
                }
                out.append(line.toString().stripTrailing()).append(System.lineSeparator());
            }
        }
    }
}
