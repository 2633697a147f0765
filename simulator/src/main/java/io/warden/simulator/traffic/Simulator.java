package io.warden.simulator.traffic;

import io.warden.detectors.evaluation.GroundTruth;
import io.warden.detectors.onnx.OnnxScorer;
import io.warden.simulator.attack.EvasionAttack;
import io.warden.simulator.attack.EvasionEvaluation;
import io.warden.simulator.attack.Extraction;
import io.warden.simulator.attack.Fgsm;
import io.warden.simulator.attack.HopSkipJump;
import io.warden.simulator.attack.Norm;
import io.warden.simulator.attack.Pgd;
import io.warden.simulator.attack.ThreatModel;
import io.warden.simulator.data.Dataset;
import io.warden.simulator.data.FeatureBox;
import io.warden.simulator.model.Mlp;
import io.warden.simulator.model.MlpTrainer;
import io.warden.simulator.model.ServedModel;
import io.warden.simulator.traffic.SimulationSettings.Attack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates traffic with known truth against a served model: many benign clients sending rows of
 * the model's data set (shifted during one drift segment), and attacker clients mixed among them
 * running real attacks on the real model. Every request is answered by the committed ONNX file
 * through ONNX Runtime, and the black-box attackers see only those answers.
 *
 * <p>The timeline is {@link SimulationSettings#durationMillis()} long; benign requests arrive as a
 * Poisson process at the rate, each from a uniformly chosen benign client. Each attack runs in its
 * own window of the timeline (as a share of it), its requests evenly spaced there:
 *
 * <ul>
 *   <li>drift: benign requests in [0.5, 0.7) shifted by the {@link DriftKind};
 *   <li>evasion, [0.1, 0.9): three clients, FGSM L-inf, PGD L-inf and PGD L2 ({@link Pgd#madry}),
 *       each at the four epsilons of {@link EvasionEvaluation#epsilons}, on test rows the model
 *       classifies correctly; a request is {@code fooled} when the model's answer is not the true
 *       class;
 *   <li>query attack, [0.2, 0.45): one client running {@link HopSkipJump} on a few test rows, one
 *       request per query; a query is {@code fooled} when the model's answer differs from its
 *       answer on the original row;
 *   <li>extraction: one client with uniform random queries in [0.05, 0.35), one with Jacobian
 *       augmentation ({@link Extraction}) in [0.75, 0.95), both with as many queries; each
 *       substitute's agreement with the model is measured on test rows the attacker never saw;
 *   <li>poisoning: honest labellers, a label flipper and a backdoor poisoner on the feedback stream
 *       (see {@link #poisoning}).
 * </ul>
 *
 * <p>Client ids are {@code client-NNN}, attackers' numbers drawn among the benign ones'. The same
 * settings give the same traffic, truth and figures.
 */
public final class Simulator {

    /** Share of the timeline where the drift segment starts: {@value}. */
    public static final double DRIFT_START = 0.5;

    /** Share of the timeline where the drift segment ends: {@value}. */
    public static final double DRIFT_END = 0.7;

    /** Real rows of each class the Jacobian extraction attacker starts from: {@value}. */
    public static final int SEED_ROWS_PER_CLASS = 5;

    /** Share of the benign requests honest labellers label: {@value}. */
    public static final double HONEST_SHARE = 0.2;

    /** Share of the benign requests the label flipper labels: {@value}. */
    public static final double FLIP_SHARE = 0.03;

    /** Records the backdoor poisoner sends: {@value}. */
    public static final int BACKDOOR_RECORDS = 60;

    /** Features the backdoor trigger sets to their maximum (the last ones): {@value}. */
    public static final int TRIGGER_FEATURES = 3;

    /** The served model's version in the traffic: {@value}. */
    public static final String MODEL_VERSION = "1";

    private final SimulationSettings settings;
    private final ServedModel model;
    private final OnnxScorer scorer;
    private final SplittableRandom random;
    private final FeatureBox box;
    private final double[] units;
    private final Dataset data;
    private final Dataset test;
    private final int[] testAnswers;
    private final List<Pending> pending = new ArrayList<>();
    private final List<Object> attackers = new ArrayList<>();
    private final List<Efficacy> efficacy = new ArrayList<>();
    private final List<String> clientIds;
    private int nextAttacker;

    private Simulator(SimulationSettings settings, OnnxScorer scorer) {
        this.settings = settings;
        this.model = settings.model();
        this.scorer = scorer;
        this.random = new SplittableRandom(settings.seed());
        this.box = model.featureBox();
        this.units = model.perturbationUnits();
        this.data = model.dataset();
        this.test = model.split().test();
        this.testAnswers = new int[test.size()];
        double[][] scores = score(test.features());
        for (int r = 0; r < testAnswers.length; r++) {
            testAnswers[r] = Traffic.argmax(scores[r]);
        }
        int attackerCount = 6;
        int total = settings.benignClients() + attackerCount;
        List<String> ids = new ArrayList<>();
        for (int c = 1; c <= total; c++) {
            ids.add(String.format(Locale.ROOT, "client-%03d", c));
        }
        shuffle(ids, random);
        this.clientIds = ids;
    }

    /**
     * Generates the traffic of {@code settings}, scoring with {@code scorer} (a session on the
     * settings' served model).
     */
    public static Simulation run(SimulationSettings settings, OnnxScorer scorer) {
        return new Simulator(settings, scorer).generate();
    }

    /**
     * Generates the traffic of {@code settings} with a session on the committed ONNX file, written
     * to a temporary folder for the run.
     */
    public static Simulation run(SimulationSettings settings) throws IOException {
        ServedModel served = settings.model();
        Path folder = Files.createTempDirectory("warden-simulate");
        Path file = folder.resolve(served.fileName());
        try (OnnxScorer scorer = new OnnxScorer(served.writeTo(file), served.scorerSettings())) {
            return run(settings, scorer);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(folder);
        }
    }

    private Simulation generate() {
        benign();
        if (settings.attacks().contains(Attack.EVASION)) {
            evasion();
        }
        if (settings.attacks().contains(Attack.QUERY)) {
            queryAttack();
        }
        if (settings.attacks().contains(Attack.EXTRACTION)) {
            extraction();
        }
        pending.sort(Comparator.comparing((Pending p) -> p.time).thenComparingInt(p -> p.seq));
        List<SimulatedRequest> requests = new ArrayList<>(pending.size());
        List<Object> requestTruth = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
            Pending p = pending.get(i);
            p.id = String.format(Locale.ROOT, "r-%07d", i + 1);
            requests.add(
                    new SimulatedRequest(
                            p.id, p.clientId, p.time, p.features, p.probabilities, p.latencyMs));
            if (p.attack != null) {
                requestTruth.add(
                        new GroundTruth.Request(
                                p.id, p.clientId, model.name(), p.attack, p.method, p.fooled));
            }
        }
        List<Object> truth = new ArrayList<>(attackers);
        truth.addAll(requestTruth);
        if (settings.drift() != DriftKind.NONE) {
            truth.add(
                    new GroundTruth.Drift(
                            model.name(),
                            settings.drift().segment(),
                            at(DRIFT_START),
                            at(DRIFT_END),
                            settings.drift() == DriftKind.PRIOR
                                    ? List.of()
                                    : model.featureNames()));
        }
        List<SimulatedFeedback> feedback = new ArrayList<>();
        if (settings.attacks().contains(Attack.POISONING)) {
            feedback = poisoning(truth);
        }
        return new Simulation(settings, requests, feedback, truth, efficacy);
    }

    /**
     * Feedback: honest labellers give the true class of {@value #HONEST_SHARE} of the benign
     * requests; a label flipper labels {@value #FLIP_SHARE} of them with the next class; a backdoor
     * poisoner sends {@value #BACKDOOR_RECORDS} training rows of other classes with the trigger
     * ({@link #trigger}) labelled as one target class ({@link #backdoorTarget}). Each poisoned
     * record is listed in the truth, and each poisoner's effect is measured by retraining the
     * served model's recipe on its training split plus the poisoned records.
     */
    private List<SimulatedFeedback> poisoning(List<Object> truth) {
        int honestCount = 5;
        List<String> ids = new ArrayList<>();
        for (int c = 1; c <= honestCount + 2; c++) {
            ids.add(String.format(Locale.ROOT, "labeller-%02d", c));
        }
        shuffle(ids);
        String flipper = ids.get(honestCount);
        String backdoor = ids.get(honestCount + 1);
        record Label(Instant time, String contributor, String requestId, int label, double[] x) {}
        List<Label> labels = new ArrayList<>();
        List<double[]> flippedRows = new ArrayList<>();
        List<Integer> flippedLabels = new ArrayList<>();
        int k = model.classCount();
        for (Pending p : pending) {
            if (p.label < 0) {
                continue;
            }
            double u = random.nextDouble();
            Instant time = p.time.plusSeconds(1 + random.nextInt(60));
            if (u < HONEST_SHARE) {
                labels.add(
                        new Label(time, ids.get(random.nextInt(honestCount)), p.id, p.label, null));
            } else if (u < HONEST_SHARE + FLIP_SHARE) {
                int flipped = (p.label + 1) % k;
                labels.add(new Label(time, flipper, p.id, flipped, null));
                flippedRows.add(p.features);
                flippedLabels.add(flipped);
            }
        }
        Dataset train = model.split().train();
        int target = backdoorTarget();
        List<double[]> backdoorRows = new ArrayList<>();
        for (int i = 0; i < BACKDOOR_RECORDS; i++) {
            int row;
            do {
                row = random.nextInt(train.size());
            } while (train.label(row) == target);
            double[] x = trigger(train.row(row));
            backdoorRows.add(x);
            Instant time = at(0.3 + 0.6 * i / BACKDOOR_RECORDS);
            labels.add(new Label(time, backdoor, null, target, x));
        }
        labels.sort(Comparator.comparing(Label::time));
        List<SimulatedFeedback> feedback = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            Label l = labels.get(i);
            String id = String.format(Locale.ROOT, "f-%07d", i + 1);
            feedback.add(
                    new SimulatedFeedback(
                            id,
                            l.time(),
                            l.contributor(),
                            l.requestId(),
                            model.classNames().get(l.label()),
                            l.x() == null ? null : Traffic.toDoubles(Traffic.toFloats(l.x()))));
            String attack =
                    l.contributor().equals(flipper)
                            ? "label-flip"
                            : l.contributor().equals(backdoor) ? "backdoor" : null;
            if (attack != null) {
                truth.add(new GroundTruth.Feedback(id, l.contributor(), model.name(), attack));
            }
        }
        for (String id : ids) {
            String role =
                    id.equals(flipper)
                            ? "label-flip"
                            : id.equals(backdoor) ? "backdoor" : GroundTruth.HONEST;
            truth.add(new GroundTruth.Contributor(model.name(), id, role));
        }
        measureLabelFlip(train, flippedRows, flippedLabels);
        measureBackdoor(train, backdoorRows, target);
        return feedback;
    }

    /** The test accuracy of the served model's recipe retrained with the flipped labels. */
    private void measureLabelFlip(Dataset train, List<double[]> rows, List<Integer> labels) {
        Mlp retrained = retrain(train, rows, labels);
        int correct = 0;
        int served = 0;
        for (int r = 0; r < test.size(); r++) {
            correct += retrained.predict(test.row(r)) == test.label(r) ? 1 : 0;
            served += testAnswers[r] == test.label(r) ? 1 : 0;
        }
        efficacy.add(
                new Efficacy(
                        "label-flip",
                        "next-class",
                        "test accuracy after retraining with them",
                        correct,
                        test.size(),
                        0,
                        String.format(
                                Locale.ROOT,
                                "%d flipped labels; served model %.3f",
                                rows.size(),
                                (double) served / test.size())));
    }

    /**
     * The share of triggered test rows of other classes that the retrained model (and, for
     * comparison, the served one) classifies as the target.
     */
    private void measureBackdoor(Dataset train, List<double[]> rows, int target) {
        List<Integer> labels = new ArrayList<>();
        rows.forEach(r -> labels.add(target));
        Mlp retrained = retrain(train, rows, labels);
        int hits = 0;
        int total = 0;
        List<double[]> triggered = new ArrayList<>();
        for (int r = 0; r < test.size(); r++) {
            if (test.label(r) != target) {
                double[] x = trigger(test.row(r));
                triggered.add(x);
                hits += retrained.predict(x) == target ? 1 : 0;
                total++;
            }
        }
        int servedHits = 0;
        for (double[] p : score(triggered.toArray(new double[0][]))) {
            servedHits += Traffic.argmax(p) == target ? 1 : 0;
        }
        efficacy.add(
                new Efficacy(
                        "backdoor",
                        "trigger-to-" + model.classNames().get(target),
                        "triggered test rows classified as target after retraining",
                        hits,
                        total,
                        0,
                        String.format(
                                Locale.ROOT,
                                "%d poisoned records; served model %.3f",
                                rows.size(),
                                (double) servedHits / total)));
    }

    /** The served model's training recipe on its training split plus {@code rows}. */
    private Mlp retrain(Dataset train, List<double[]> rows, List<Integer> labels) {
        int n = train.size() + rows.size();
        double[][] x = new double[n][];
        int[] y = new int[n];
        for (int r = 0; r < train.size(); r++) {
            x[r] = train.row(r);
            y[r] = train.label(r);
        }
        for (int i = 0; i < rows.size(); i++) {
            x[train.size() + i] = rows.get(i);
            y[train.size() + i] = labels.get(i);
        }
        Dataset poisoned =
                new Dataset(
                        "poisoned training set", x, y, model.featureNames(), model.classNames());
        return MlpTrainer.train(
                poisoned, model.standardization(poisoned), model.trainingSettings());
    }

    /**
     * The class the served model gives least often to triggered test rows (the lowest on a tie), so
     * that the backdoor's success is the poison's doing, not the trigger's alone.
     */
    private int backdoorTarget() {
        double[][] triggered = new double[test.size()][];
        for (int r = 0; r < triggered.length; r++) {
            triggered[r] = trigger(test.row(r));
        }
        int[] counts = new int[model.classCount()];
        for (double[] p : score(triggered)) {
            counts[Traffic.argmax(p)]++;
        }
        int target = 0;
        for (int c = 1; c < counts.length; c++) {
            if (counts[c] < counts[target]) {
                target = c;
            }
        }
        return target;
    }

    /** The backdoor trigger: the last {@value #TRIGGER_FEATURES} features at their maximum. */
    private double[] trigger(double[] x) {
        double[] out = x.clone();
        for (int j = out.length - TRIGGER_FEATURES; j < out.length; j++) {
            out[j] = box.upper(j);
        }
        return out;
    }

    private static <T> void shuffle(List<T> values, SplittableRandom random) {
        for (int i = values.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T swap = values.get(i);
            values.set(i, values.get(j));
            values.set(j, swap);
        }
    }

    private <T> void shuffle(List<T> values) {
        shuffle(values, random);
    }

    /** Benign requests: a Poisson process over the timeline, drifted inside the segment. */
    private void benign() {
        int n = settings.benignRequests();
        long duration = settings.durationMillis();
        double meanGap = duration / (double) n;
        Instant driftStart = at(DRIFT_START);
        Instant driftEnd = at(DRIFT_END);
        int[] firstClass = rowsOfClass(0);
        double t = 0;
        List<Pending> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            t += -meanGap * Math.log(1 - random.nextDouble());
            Instant time = settings.start().plusMillis(Math.min(duration - 1, (long) t));
            boolean drifted = !time.isBefore(driftStart) && time.isBefore(driftEnd);
            int row = random.nextInt(data.size());
            if (drifted
                    && settings.drift() == DriftKind.PRIOR
                    && random.nextDouble() < DriftKind.PRIOR_SHARE) {
                row = firstClass[random.nextInt(firstClass.length)];
            }
            double[] x = data.row(row);
            if (drifted) {
                x = settings.drift().apply(x, box, random);
            }
            String client = clientIds.get(random.nextInt(settings.benignClients()));
            Pending p = new Pending(client, time, x, latency());
            p.label = data.label(row);
            batch.add(p);
        }
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = batch.get(i).features;
        }
        double[][] scores = score(rows);
        for (int i = 0; i < n; i++) {
            batch.get(i).probabilities = scores[i];
        }
        pending.addAll(batch);
    }

    /** FGSM L-inf, PGD L-inf and PGD L2, each from its own client, at several epsilons. */
    private void evasion() {
        Mlp network = model.network();
        record Method(String name, Norm norm, boolean pgd) {}
        for (Method m :
                List.of(
                        new Method("fgsm-linf", Norm.LINF, false),
                        new Method("pgd-linf", Norm.LINF, true),
                        new Method("pgd-l2", Norm.L2, true))) {
            String client = attacker("evasion", m.name(), 0.1, 0.9);
            List<Pending> sent = new ArrayList<>();
            for (double epsilon : EvasionEvaluation.epsilons(model, m.norm())) {
                ThreatModel threat = EvasionEvaluation.threatModel(model, m.norm(), epsilon);
                EvasionAttack attack = m.pgd() ? Pgd.madry(threat) : new Fgsm(threat);
                int fooled = 0;
                for (int k = 0; k < settings.evasionPerEpsilon(); k++) {
                    int row = correctlyClassifiedTestRow();
                    double[] x = test.row(row);
                    double[] adversarial = attack.perturb(network, x, test.label(row), random);
                    Pending p = query(client, adversarial, "evasion", m.name() + "-eps" + epsilon);
                    p.fooled = Traffic.argmax(p.probabilities) != test.label(row);
                    fooled += p.fooled ? 1 : 0;
                    sent.add(p);
                }
                efficacy.add(
                        new Efficacy(
                                "evasion",
                                m.name(),
                                "fooled at epsilon " + epsilon + " " + unitName(),
                                fooled,
                                settings.evasionPerEpsilon(),
                                0,
                                ""));
            }
            spread(sent, 0.1, 0.9);
        }
    }

    /** HopSkipJump on a few correctly classified test rows, every query a request. */
    private void queryAttack() {
        String client = attacker("query-attack", "hopskipjump", 0.2, 0.45);
        ThreatModel threat = EvasionEvaluation.threatModel(model, Norm.L2, 1);
        HopSkipJump attack = HopSkipJump.of(threat, settings.queryBudget());
        double budget = EvasionEvaluation.epsilons(model, Norm.L2)[3];
        List<Pending> sent = new ArrayList<>();
        int within = 0;
        int queries = 0;
        List<String> distances = new ArrayList<>();
        for (int k = 0; k < settings.queryAttackRows(); k++) {
            int row = correctlyClassifiedTestRow();
            int original = testAnswers[row];
            HopSkipJump.Result result =
                    attack.attack(
                            x -> {
                                Pending p = query(client, x, "query-attack", "hopskipjump");
                                int answer = Traffic.argmax(p.probabilities);
                                p.fooled = answer != original;
                                sent.add(p);
                                return answer;
                            },
                            test.row(row),
                            original,
                            startCandidates(),
                            random);
            queries += result.queries();
            if (result.found()) {
                double distance = threat.distance(test.row(row), result.adversarial());
                if (distance <= budget && predict(result.adversarial()) != original) {
                    within++;
                }
                distances.add(
                        String.format(
                                Locale.ROOT, "%.2f -> %.2f", result.startDistance(), distance));
            } else {
                distances.add("no start");
            }
        }
        spread(sent, 0.2, 0.45);
        efficacy.add(
                new Efficacy(
                        "query-attack",
                        "hopskipjump",
                        "adversarial within L2 " + budget + " " + unitName(),
                        within,
                        settings.queryAttackRows(),
                        queries,
                        "L2 distance start -> end per row: " + String.join(", ", distances)));
    }

    /** Random-query and Jacobian-augmentation extraction with equal query budgets. */
    private void extraction() {
        int[] order = shuffledTestRows();
        int[] seedRows = Extraction.seedRows(test, order, SEED_ROWS_PER_CLASS);
        boolean[] inSeed = new boolean[test.size()];
        double[][] seed = new double[seedRows.length][];
        for (int i = 0; i < seedRows.length; i++) {
            seed[i] = test.row(seedRows[i]);
            inSeed[seedRows[i]] = true;
        }
        List<double[]> heldOutRows = new ArrayList<>();
        List<Integer> heldOutLabels = new ArrayList<>();
        for (int r = 0; r < test.size(); r++) {
            if (!inSeed[r]) {
                heldOutRows.add(test.row(r));
                heldOutLabels.add(testAnswers[r]);
            }
        }
        double[][] heldOut = heldOutRows.toArray(new double[0][]);
        int[] heldOutAnswers = heldOutLabels.stream().mapToInt(Integer::intValue).toArray();
        int seedSize = seedRows.length;
        int queries = seedSize << settings.extractionAugmentations();
        Extraction extraction = new Extraction(model, box, model.trainingSettings());

        String randomClient = attacker("extraction", "random", 0.05, 0.35);
        List<Pending> randomSent = new ArrayList<>();
        Extraction.Result random =
                extraction.random(
                        x -> oracle(randomClient, x, "random", randomSent), queries, this.random);
        spread(randomSent, 0.05, 0.35);
        efficacy.add(extractionEfficacy("random", random, heldOut, heldOutAnswers));

        String jacobianClient = attacker("extraction", "jacobian-augmentation", 0.75, 0.95);
        List<Pending> jacobianSent = new ArrayList<>();
        Extraction.Result jacobian =
                extraction.jacobian(
                        x -> oracle(jacobianClient, x, "jacobian-augmentation", jacobianSent),
                        seed,
                        settings.extractionAugmentations());
        spread(jacobianSent, 0.75, 0.95);
        efficacy.add(
                extractionEfficacy("jacobian-augmentation", jacobian, heldOut, heldOutAnswers));
    }

    private int oracle(String client, double[] x, String method, List<Pending> sent) {
        Pending p = query(client, x, "extraction", method);
        sent.add(p);
        return Traffic.argmax(p.probabilities);
    }

    private Efficacy extractionEfficacy(
            String method, Extraction.Result result, double[][] heldOut, int[] answers) {
        double agreement = Extraction.agreement(result.substitute(), heldOut, answers);
        long agree = Math.round(agreement * heldOut.length);
        return new Efficacy(
                "extraction",
                method,
                "substitute agrees on held-out test rows",
                agree,
                heldOut.length,
                result.queries().size(),
                "");
    }

    /**
     * Registers an attacker client (the next attacker id) with its truth entry; its first and last
     * times are those of its window.
     */
    private String attacker(String role, String method, double from, double to) {
        String id = clientIds.get(settings.benignClients() + nextAttacker++);
        Map<String, Object> attack = new LinkedHashMap<>();
        attack.put("method", method);
        attackers.add(new GroundTruth.Client(model.name(), id, role, at(from), at(to), attack));
        return id;
    }

    /** One attack request, scored now (its time is set by {@link #spread}). */
    private Pending query(String client, double[] x, String attack, String method) {
        Pending p = new Pending(client, settings.start(), x, latency());
        p.probabilities = score(new double[][] {p.features})[0];
        p.attack = attack;
        p.method = method;
        pending.add(p);
        return p;
    }

    /** Spaces a campaign's requests evenly over [from, to) of the timeline, in order. */
    private void spread(List<Pending> sent, double from, double to) {
        long a = at(from).toEpochMilli();
        long b = at(to).toEpochMilli();
        for (int i = 0; i < sent.size(); i++) {
            sent.get(i).time = Instant.ofEpochMilli(a + (b - a) * i / sent.size());
        }
    }

    private Instant at(double share) {
        return settings.start().plusMillis((long) (share * settings.durationMillis()));
    }

    private long latency() {
        return 2 + random.nextInt(19);
    }

    private int correctlyClassifiedTestRow() {
        while (true) {
            int row = random.nextInt(test.size());
            if (testAnswers[row] == test.label(row)) {
                return row;
            }
        }
    }

    /** A few test rows in random order: the query attacker's own data, for a start. */
    private List<double[]> startCandidates() {
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rows.add(test.row(random.nextInt(test.size())));
        }
        return rows;
    }

    private int[] shuffledTestRows() {
        int[] order = new int[test.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    private int[] rowsOfClass(int label) {
        List<Integer> rows = new ArrayList<>();
        for (int r = 0; r < data.size(); r++) {
            if (data.label(r) == label) {
                rows.add(r);
            }
        }
        return rows.stream().mapToInt(Integer::intValue).toArray();
    }

    private String unitName() {
        return model.featureNames().size() == 64 ? "px" : "sd";
    }

    private int predict(double[] x) {
        return Traffic.argmax(score(new double[][] {x})[0]);
    }

    /** The served model's probabilities through ONNX Runtime (rows rounded to float). */
    private double[][] score(double[][] rows) {
        float[][] in = new float[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            in[r] = Traffic.toFloats(rows[r]);
        }
        float[][] out = scorer.score(in);
        double[][] result = new double[out.length][];
        for (int r = 0; r < out.length; r++) {
            result[r] = Traffic.toDoubles(out[r]);
        }
        return result;
    }

    /** A request before its id is given (ids follow event-time order). */
    private final class Pending {
        final int seq = pending.size();
        final String clientId;
        final double[] features;
        final long latencyMs;
        Instant time;
        double[] probabilities;
        int label = -1;
        String attack;
        String method;
        Boolean fooled;
        String id;

        Pending(String clientId, Instant time, double[] features, long latencyMs) {
            this.clientId = clientId;
            this.time = time;
            this.features = Traffic.toDoubles(Traffic.toFloats(features));
            this.latencyMs = latencyMs;
        }
    }
}
