package io.warden.jobs.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.warden.detectors.calibration.PValueCombination;
import io.warden.detectors.confidence.ConfidenceReference;
import io.warden.detectors.core.Direction;
import io.warden.detectors.drift.DriftThresholds;
import io.warden.detectors.drift.VerdictRule;
import io.warden.detectors.extraction.ExtractionSignal;
import io.warden.detectors.onnx.ExecutionProvider;
import io.warden.detectors.onnx.OnnxScorerSettings;
import io.warden.detectors.squeezing.BitDepthReduction;
import io.warden.detectors.squeezing.MedianSmoothing;
import io.warden.detectors.squeezing.Rounding;
import io.warden.detectors.squeezing.Squeezer;
import io.warden.schemas.Severity;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * One monitored model: where its features and outputs are in the traffic, its reference profile,
 * and which detectors run.
 *
 * @param name the model name as the server logs it (required)
 * @param version a specific version, or null for every version of the name
 * @param profile the reference profile file ({@code warden profile} builds it), relative to the
 *     config file; needed by the drift detectors, and the confidence detector's default reference
 * @param profileSha256 optional pin: start-up fails unless the profile file has this SHA-256
 * @param features the input tensor holding the features
 * @param output the output tensor holding probabilities or logits
 * @param detectors detector settings
 * @param servedModel the served model's own ONNX file, for the detectors that run it (feature
 *     squeezing, output integrity); or null
 */
public record ModelSpec(
        String name,
        String version,
        String profile,
        String profileSha256,
        FeatureSpec features,
        OutputSpec output,
        DetectorSettings detectors,
        ServedModelSpec servedModel)
        implements Serializable {

    public ModelSpec {
        detectors = detectors == null ? DetectorSettings.defaults() : detectors;
    }

    /** A model without its served ONNX file. */
    public ModelSpec(
            String name,
            String version,
            String profile,
            String profileSha256,
            FeatureSpec features,
            OutputSpec output,
            DetectorSettings detectors) {
        this(name, version, profile, profileSha256, features, output, detectors, null);
    }

    /** This model with the served model's file at another path. */
    public ModelSpec withServedModelFile(String path) {
        return new ModelSpec(
                name,
                version,
                profile,
                profileSha256,
                features,
                output,
                detectors,
                servedModel == null ? null : servedModel.withModel(path));
    }

    /**
     * The served model's ONNX file ({@code models[].served-model}): the model the server runs,
     * pinned like any model file. Feature squeezing runs it on squeezed copies of a request's
     * features, output integrity re-scores sampled requests with it. It takes the request's feature
     * rows (all of the model's features, in the configured order) as one float input {@code [batch,
     * width]} and gives the same values as the logged output tensor ({@code [batch, classes]}:
     * probabilities, or logits when {@code output.type} is {@code logits}).
     *
     * @param model the ONNX file, relative to the config file
     * @param sha256 its pinned SHA-256 (required)
     * @param input the float input fed with the feature rows
     * @param output the output holding what the server logs as the output tensor
     * @param intraOpThreads ONNX Runtime threads per scoring subtask (default 1)
     */
    public record ServedModelSpec(
            String model, String sha256, String input, String output, Integer intraOpThreads)
            implements Serializable {
        public ServedModelSpec {
            intraOpThreads =
                    intraOpThreads == null
                            ? OnnxScorerSettings.DEFAULT_INTRA_OP_THREADS
                            : intraOpThreads;
        }

        ServedModelSpec withModel(String path) {
            return new ServedModelSpec(path, sha256, input, output, intraOpThreads);
        }
    }

    /**
     * The feature tensor: its name and either the feature names (tabular: one value per name) or
     * the shape of one sample (image-like, e.g. {@code [8, 8]}). A leading batch dimension in the
     * traffic is allowed on top of either.
     */
    public record FeatureSpec(String tensor, List<String> names, List<Integer> shape)
            implements Serializable {
        public FeatureSpec {
            names = names == null ? null : List.copyOf(names);
            shape = shape == null ? null : List.copyOf(shape);
        }

        /**
         * The feature names: the configured ones, or for a shape the row-major indices joined by
         * underscores, e.g. {@code x_0_7} for {@code shape: [8, 8]}.
         */
        public List<String> featureNames() {
            if (names != null) {
                return names;
            }
            List<String> out = new java.util.ArrayList<>(width());
            int[] index = new int[shape.size()];
            for (int i = 0; i < width(); i++) {
                StringBuilder sb = new StringBuilder("x");
                for (int d : index) {
                    sb.append('_').append(d);
                }
                out.add(sb.toString());
                for (int d = index.length - 1; d >= 0; d--) {
                    if (++index[d] < shape.get(d)) {
                        break;
                    }
                    index[d] = 0;
                }
            }
            return List.copyOf(out);
        }

        /** Number of feature values in one sample. */
        public int width() {
            if (names != null) {
                return names.size();
            }
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** The output tensor and what it holds. */
    public record OutputSpec(String tensor, OutputType type, List<String> classes)
            implements Serializable {
        public OutputSpec {
            type = type == null ? OutputType.PROBABILITIES : type;
            classes = classes == null ? null : List.copyOf(classes);
        }
    }

    /** Probabilities (each row sums to 1) or raw logits (softmax applied by warden). */
    public enum OutputType {
        @JsonProperty("probabilities")
        PROBABILITIES,
        @JsonProperty("logits")
        LOGITS
    }

    /**
     * Which detectors run on this model; an absent section is off.
     *
     * @param onnx bring-your-own ONNX detectors (empty when none)
     */
    public record DetectorSettings(
            ConfidenceSettings confidence,
            DriftSettings drift,
            SequentialSettings sequential,
            PerformanceSettings performance,
            List<OnnxDetectorSettings> onnx,
            SqueezingSettings squeezing,
            IntegritySettings integrity,
            EnsembleSettings evasionEnsemble,
            ExtractionSettings extraction,
            QueryAttackSettings queryAttack,
            BlacklightSettings blacklight,
            CampaignSettings evasionCampaign,
            PoisoningSettings poisoning)
            implements Serializable {
        public DetectorSettings {
            onnx =
                    onnx == null
                            ? List.of()
                            : java.util.Collections.unmodifiableList(
                                    new java.util.ArrayList<>(onnx));
        }

        /** Settings without the detectors that run the served model, or an ensemble. */
        public DetectorSettings(
                ConfidenceSettings confidence,
                DriftSettings drift,
                SequentialSettings sequential,
                PerformanceSettings performance,
                List<OnnxDetectorSettings> onnx) {
            this(
                    confidence,
                    drift,
                    sequential,
                    performance,
                    onnx,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null);
        }

        /** Settings without ONNX detectors. */
        public DetectorSettings(
                ConfidenceSettings confidence,
                DriftSettings drift,
                SequentialSettings sequential,
                PerformanceSettings performance) {
            this(confidence, drift, sequential, performance, null);
        }

        /** Settings without realised performance or ONNX detectors. */
        public DetectorSettings(
                ConfidenceSettings confidence, DriftSettings drift, SequentialSettings sequential) {
            this(confidence, drift, sequential, null, null);
        }

        public static DetectorSettings defaults() {
            return new DetectorSettings(null, null, null, null, null);
        }

        /** These settings with other ONNX detectors. */
        public DetectorSettings withOnnx(List<OnnxDetectorSettings> detectors) {
            Parts p = parts();
            p.onnx = detectors;
            return p.build();
        }

        /** These settings with an evasion ensemble over the ONNX detectors and squeezing. */
        public DetectorSettings withEvasionEnsemble(EnsembleSettings settings) {
            Parts p = parts();
            p.evasionEnsemble = settings;
            return p.build();
        }

        /** These settings with output integrity. */
        public DetectorSettings withIntegrity(IntegritySettings settings) {
            Parts p = parts();
            p.integrity = settings;
            return p.build();
        }

        /** These settings with model-extraction detection. */
        public DetectorSettings withExtraction(ExtractionSettings settings) {
            Parts p = parts();
            p.extraction = settings;
            return p.build();
        }

        /** These settings with nearest-neighbour query-attack detection. */
        public DetectorSettings withQueryAttack(QueryAttackSettings settings) {
            Parts p = parts();
            p.queryAttack = settings;
            return p.build();
        }

        /** These settings with Blacklight. */
        public DetectorSettings withBlacklight(BlacklightSettings settings) {
            Parts p = parts();
            p.blacklight = settings;
            return p.build();
        }

        /** These settings with evasion-campaign detection. */
        public DetectorSettings withEvasionCampaign(CampaignSettings settings) {
            Parts p = parts();
            p.evasionCampaign = settings;
            return p.build();
        }

        /** These settings with label-flip detection on the feedback stream. */
        public DetectorSettings withPoisoning(PoisoningSettings settings) {
            Parts p = parts();
            p.poisoning = settings;
            return p.build();
        }

        /** The parts of these settings, to copy them with one changed. */
        private Parts parts() {
            Parts p = new Parts();
            p.confidence = confidence;
            p.drift = drift;
            p.sequential = sequential;
            p.performance = performance;
            p.onnx = onnx;
            p.squeezing = squeezing;
            p.integrity = integrity;
            p.evasionEnsemble = evasionEnsemble;
            p.extraction = extraction;
            p.queryAttack = queryAttack;
            p.blacklight = blacklight;
            p.evasionCampaign = evasionCampaign;
            p.poisoning = poisoning;
            return p;
        }

        /** The settings' parts, mutable, for {@link #parts()}. */
        private static final class Parts {
            ConfidenceSettings confidence;
            DriftSettings drift;
            SequentialSettings sequential;
            PerformanceSettings performance;
            List<OnnxDetectorSettings> onnx;
            SqueezingSettings squeezing;
            IntegritySettings integrity;
            EnsembleSettings evasionEnsemble;
            ExtractionSettings extraction;
            QueryAttackSettings queryAttack;
            BlacklightSettings blacklight;
            CampaignSettings evasionCampaign;
            PoisoningSettings poisoning;

            DetectorSettings build() {
                return new DetectorSettings(
                        confidence,
                        drift,
                        sequential,
                        performance,
                        onnx,
                        squeezing,
                        integrity,
                        evasionEnsemble,
                        extraction,
                        queryAttack,
                        blacklight,
                        evasionCampaign,
                        poisoning);
            }
        }

        /** Whether any per-client detection runs (extraction, query attacks, Blacklight). */
        public boolean anyClient() {
            return extraction != null || queryAttack != null || blacklight != null;
        }

        /** Whether any per-request ONNX detection runs: own detectors, squeezing or integrity. */
        public boolean anyOnnx() {
            return !onnx.isEmpty() || squeezing != null || integrity != null;
        }
    }

    /**
     * Model-extraction detection per client ({@code models[].detectors.extraction}): PRADA (Juuti,
     * Szyller, Marchal &amp; Asokan, EuroS&amp;P 2019; the Shapiro-Wilk W of the minimum distances
     * between a client's queries, feature distances scaled by the profile's standard deviations),
     * query rate, class coverage and near-boundary share, in keyed state per model version and
     * client. A client's state is dropped after {@code idle-ttl} of event time without a query. The
     * signals in {@code alert-on} raise one EXTRACTION alert per client (the others are reported as
     * evidence): the first time one fires, naming every signal that has fired and after how many
     * queries.
     *
     * @param delta PRADA fires when W falls below it (default 0.9)
     * @param minDistances PRADA's minimum distances before its first test (default 100)
     * @param distanceWindow PRADA's cap on kept distances (default 1000)
     * @param maxQueriesPerClass PRADA's cap on kept queries per predicted class (default 100)
     * @param maxQueriesPerSecond the query-rate signal's threshold (default 5)
     * @param rateTimeConstant the query rate's decay time constant (default 1m)
     * @param minClassEntropy the class-coverage signal's threshold on the normalised entropy of the
     *     predicted classes (default 0.95)
     * @param minQueries queries before class coverage or near-boundary share can fire (default 200)
     * @param boundaryMargin a query is near the boundary below this margin (default 0.1)
     * @param maxBoundaryShare the near-boundary signal's threshold (default 0.3)
     * @param boundaryWindow the recent queries the near-boundary share is over (default 500)
     * @param alertOn the signals that raise the alert (default {@code [prada]}): {@code prada},
     *     {@code query-rate}, {@code class-coverage}, {@code near-boundary}
     * @param idleTtl event time without a query after which a client's state is dropped (default
     *     1h)
     * @param severity severity of the alerts (default HIGH)
     * @param testInterval PRADA runs its Shapiro-Wilk test every this many distances (default 1,
     *     every query, as the paper); the test is most of PRADA's cost (about 50 µs per query at a
     *     distance window of 1000, docs/benchmarks.md), so 10 cuts it tenfold for at most 9 queries
     *     of delay
     */
    public record ExtractionSettings(
            Double delta,
            Integer minDistances,
            Integer distanceWindow,
            Integer maxQueriesPerClass,
            Double maxQueriesPerSecond,
            Duration rateTimeConstant,
            Double minClassEntropy,
            Integer minQueries,
            Double boundaryMargin,
            Double maxBoundaryShare,
            Integer boundaryWindow,
            List<ExtractionSignalName> alertOn,
            Duration idleTtl,
            Severity severity,
            Integer testInterval)
            implements Serializable {
        /** Settings with PRADA testing every query. */
        public ExtractionSettings(
                Double delta,
                Integer minDistances,
                Integer distanceWindow,
                Integer maxQueriesPerClass,
                Double maxQueriesPerSecond,
                Duration rateTimeConstant,
                Double minClassEntropy,
                Integer minQueries,
                Double boundaryMargin,
                Double maxBoundaryShare,
                Integer boundaryWindow,
                List<ExtractionSignalName> alertOn,
                Duration idleTtl,
                Severity severity) {
            this(
                    delta,
                    minDistances,
                    distanceWindow,
                    maxQueriesPerClass,
                    maxQueriesPerSecond,
                    rateTimeConstant,
                    minClassEntropy,
                    minQueries,
                    boundaryMargin,
                    maxBoundaryShare,
                    boundaryWindow,
                    alertOn,
                    idleTtl,
                    severity,
                    null);
        }

        public ExtractionSettings {
            testInterval = testInterval == null ? 1 : testInterval;
            delta = delta == null ? 0.9 : delta;
            minDistances = minDistances == null ? 100 : minDistances;
            distanceWindow = distanceWindow == null ? 1000 : distanceWindow;
            maxQueriesPerClass = maxQueriesPerClass == null ? 100 : maxQueriesPerClass;
            maxQueriesPerSecond = maxQueriesPerSecond == null ? 5.0 : maxQueriesPerSecond;
            rateTimeConstant = rateTimeConstant == null ? Duration.ofMinutes(1) : rateTimeConstant;
            minClassEntropy = minClassEntropy == null ? 0.95 : minClassEntropy;
            minQueries = minQueries == null ? 200 : minQueries;
            boundaryMargin = boundaryMargin == null ? 0.1 : boundaryMargin;
            maxBoundaryShare = maxBoundaryShare == null ? 0.3 : maxBoundaryShare;
            boundaryWindow = boundaryWindow == null ? 500 : boundaryWindow;
            alertOn =
                    alertOn == null
                            ? List.of(ExtractionSignalName.PRADA)
                            : java.util.Collections.unmodifiableList(
                                    new java.util.ArrayList<>(alertOn));
            idleTtl = idleTtl == null ? Duration.ofHours(1) : idleTtl;
            severity = severity == null ? Severity.HIGH : severity;
        }
    }

    /**
     * Black-box query-attack detection per client ({@code models[].detectors.query-attack}): Chen,
     * Carlini &amp; Wagner, "Stateful Detection of Black-Box Adversarial Attacks" (SPAI 2020). Each
     * client's last {@code buffer-size} queries are kept (features scaled by the profile's standard
     * deviations); a query whose mean distance to its {@code neighbours} nearest earlier queries is
     * below the threshold is flagged: HopSkipJump, Boundary, NES and Square-style attacks send long
     * runs of near-identical queries. The threshold is fixed, or calibrated from the profile's row
     * sample at {@code alpha} (the paper's 0.1%), read as benign clients' query sequences. The
     * client's first flagged query raises one BLACKBOX_QUERY_ATTACK alert, naming how many queries
     * it took; the client's state is dropped after {@code idle-ttl} of event time without a query.
     *
     * @param neighbours k (default 10)
     * @param bufferSize queries kept per client (default 200)
     * @param alpha the calibrated false-positive rate per query (default 0.001); or
     * @param threshold a fixed mean distance, in standard deviations
     * @param idleTtl event time without a query after which a client's state is dropped (1h)
     * @param severity severity of the alerts (default HIGH)
     */
    public record QueryAttackSettings(
            Integer neighbours,
            Integer bufferSize,
            Double alpha,
            Double threshold,
            Duration idleTtl,
            Severity severity)
            implements Serializable {
        public QueryAttackSettings {
            neighbours = neighbours == null ? 10 : neighbours;
            bufferSize = bufferSize == null ? 200 : bufferSize;
            alpha = alpha == null && threshold == null ? Double.valueOf(0.001) : alpha;
            idleTtl = idleTtl == null ? Duration.ofHours(1) : idleTtl;
            severity = severity == null ? Severity.HIGH : severity;
        }
    }

    /**
     * Blacklight ({@code models[].detectors.blacklight}; Li, Shan, Wenger, Zhang, Zheng &amp; Zhao,
     * "Blacklight: Scalable Defense for Neural Networks against Query-Based Black-Box Attacks",
     * USENIX Security 2022): every query is quantized ({@code levels} levels over {@code range}, or
     * over each feature's profile min..max), windows of {@code window-size} values sliding by
     * {@code window-step} are hashed, and the {@code fingerprint-size} largest hashes are the
     * query's fingerprint; a query at least {@code match-threshold} of whose hashes were produced
     * within {@code horizon} before is flagged. The store is one per model version, across clients,
     * so an attack spread over many client ids is caught; a flagged client gets one
     * BLACKBOX_QUERY_ATTACK alert per horizon, naming the clients whose earlier queries matched.
     *
     * @param levels quantization levels per feature (default 50)
     * @param range the value range {@code [min, max]} of every feature; default: the profile's
     *     per-feature min and max
     * @param windowSize values per hashed window (default 20, at most the feature count)
     * @param windowStep slide between windows (default 1)
     * @param fingerprintSize hashes per fingerprint (default 50)
     * @param matchThreshold matching hashes that flag a query (default 25)
     * @param horizon how long a hash is remembered (default 24h)
     * @param maxEntries the cap on stored hashes per model version (default 250000, ~30 MB)
     * @param maxClientsPerHash clients remembered per hash for attribution (default 4)
     * @param severity severity of the alerts (default HIGH)
     */
    public record BlacklightSettings(
            Integer levels,
            List<Double> range,
            Integer windowSize,
            Integer windowStep,
            Integer fingerprintSize,
            Integer matchThreshold,
            Duration horizon,
            Integer maxEntries,
            Integer maxClientsPerHash,
            Severity severity)
            implements Serializable {
        public BlacklightSettings {
            levels = levels == null ? 50 : levels;
            range =
                    range == null
                            ? null
                            : java.util.Collections.unmodifiableList(
                                    new java.util.ArrayList<>(range));
            windowSize = windowSize == null ? 20 : windowSize;
            windowStep = windowStep == null ? 1 : windowStep;
            fingerprintSize = fingerprintSize == null ? 50 : fingerprintSize;
            matchThreshold = matchThreshold == null ? 25 : matchThreshold;
            horizon = horizon == null ? Duration.ofHours(24) : horizon;
            maxEntries = maxEntries == null ? 250_000 : maxEntries;
            maxClientsPerHash = maxClientsPerHash == null ? 4 : maxClientsPerHash;
            severity = severity == null ? Severity.HIGH : severity;
        }
    }

    /**
     * Evasion campaigns ({@code models[].detectors.evasion-campaign}): a client with at least
     * {@code min-flagged} requests raising EVASION alerts (the ONNX detectors, squeezing or the
     * ensemble) within {@code window} of event time becomes a subject of its own: one EVASION alert
     * about the client, naming its flagged requests. The incident lasts while flagged requests keep
     * coming less than {@code window} apart; after a quiet {@code window}, a new one can start.
     *
     * @param minFlagged flagged requests that make a campaign (default 5)
     * @param window the event time they must fall within (default 10m)
     * @param severity severity of the alerts (default HIGH)
     */
    public record CampaignSettings(Integer minFlagged, Duration window, Severity severity)
            implements Serializable {
        public CampaignSettings {
            minFlagged = minFlagged == null ? 5 : minFlagged;
            window = window == null ? Duration.ofMinutes(10) : window;
            severity = severity == null ? Severity.HIGH : severity;
        }
    }

    /**
     * Label-flip poisoning of the feedback stream, per contributor ({@code
     * models[].detectors.poisoning}; after Paudice, Mu&ntilde;oz-Gonz&aacute;lez &amp; Lupu, "Label
     * Sanitization against Label Flipping Poisoning Attacks", 2018): every label that the
     * realised-performance join matches to its prediction counts for its contributor, in keyed
     * state per model version and contributor: the contributor's rate of disagreement with the
     * model against the expected rate (a one-sided binomial test at {@code alpha}), and how much of
     * its disagreement falls on one (given, predicted) class pair. The first time either fires, one
     * POISONING alert about the contributor names the signals and the pair. Needs {@code
     * detectors.performance} (its label join).
     *
     * @param expectedDisagreementRate the rate an honest contributor disagrees with the model at
     *     (default: 1 − performance.reference-accuracy + 0.05 for honest label noise)
     * @param alpha the binomial test's level (default 1e-4: it is repeated after every record)
     * @param minRecords records before the disagreement signal can fire (default 50)
     * @param window records the rates are over, roughly (default 1000)
     * @param concentrationThreshold the top pair's share of disagreements that fires (default 0.3)
     * @param minDisagreements disagreements before the pair signal can fire (default 30)
     * @param idleTtl event time without a label after which a contributor's state is dropped
     *     (default 7d)
     * @param severity severity of the alerts (default HIGH)
     * @param records judging each feedback record on its own (optional; off when absent)
     * @param expectedConsensusDisagreementRate the rate an honest contributor disagrees with the
     *     consensus of the other labels of the same request at (default 0.05); the consensus signal
     *     tests against it on requests labelled more than once
     */
    public record PoisoningSettings(
            Double expectedDisagreementRate,
            Double alpha,
            Integer minRecords,
            Integer window,
            Double concentrationThreshold,
            Integer minDisagreements,
            Duration idleTtl,
            Severity severity,
            FeedbackRecordSettings records,
            Double expectedConsensusDisagreementRate)
            implements Serializable {
        public PoisoningSettings {
            alpha = alpha == null ? 1e-4 : alpha;
            minRecords = minRecords == null ? 50 : minRecords;
            window = window == null ? 1000 : window;
            concentrationThreshold = concentrationThreshold == null ? 0.3 : concentrationThreshold;
            minDisagreements = minDisagreements == null ? 30 : minDisagreements;
            idleTtl = idleTtl == null ? Duration.ofDays(7) : idleTtl;
            severity = severity == null ? Severity.HIGH : severity;
            expectedConsensusDisagreementRate =
                    expectedConsensusDisagreementRate == null
                            ? 0.05
                            : expectedConsensusDisagreementRate;
        }

        /** Settings without per-record judgement. */
        public PoisoningSettings(
                Double expectedDisagreementRate,
                Double alpha,
                Integer minRecords,
                Integer window,
                Double concentrationThreshold,
                Integer minDisagreements,
                Duration idleTtl,
                Severity severity) {
            this(
                    expectedDisagreementRate,
                    alpha,
                    minRecords,
                    window,
                    concentrationThreshold,
                    minDisagreements,
                    idleTtl,
                    severity,
                    null,
                    null);
        }

        /** These settings with per-record judgement. */
        public PoisoningSettings withRecords(FeedbackRecordSettings settings) {
            return new PoisoningSettings(
                    expectedDisagreementRate,
                    alpha,
                    minRecords,
                    window,
                    concentrationThreshold,
                    minDisagreements,
                    idleTtl,
                    severity,
                    settings,
                    expectedConsensusDisagreementRate);
        }

        /** The expected disagreement rate: as given, or from the model's reference accuracy. */
        public double expectedRate(PerformanceSettings performance) {
            if (expectedDisagreementRate != null) {
                return expectedDisagreementRate;
            }
            return Math.min(0.99, 1 - performance.referenceAccuracy() + 0.05);
        }
    }

    /**
     * Each feedback record judged on its own ({@code models[].detectors.poisoning.records}): the
     * features of the sample it labels (the request it is joined to, or its own) against the
     * trusted reference of the class it was labelled with. Two detectors, both after Tran, Li &amp;
     * M&#x105;dry ("Spectral signatures in backdoor attacks", NeurIPS 2018) and Paudice et al.
     * (2018): class-conditional outliers (the squared Mahalanobis distance to the labelled class,
     * judged at {@code alpha} by a conformal or &chi;&sup2; p-value) on every record, and spectral
     * signatures over each {@code spectral-window} records of one labelled class. A flagged record
     * gets one POISONING alert about it (subject FEEDBACK_RECORD), which a policy rule turns into a
     * QUARANTINE decision (retraining skips the record).
     *
     * @param reference a CSV file (RFC 4180, header line) of trusted labelled samples: one column
     *     per feature name and the label column; the class models are fitted from it at start-up
     * @param referenceSha256 the file's pinned SHA-256 (optional; checked at start-up when given)
     * @param labelColumn the label column's name (default {@code label}); values are class names
     * @param alpha significance of one record's class-conditional test (default 0.001); the
     *     conformal method needs at least 1 / alpha &minus; 1 calibration rows (half the reference
     *     rows) of every class
     * @param method {@code conformal} (default) or {@code chi-squared}
     * @param shrinkage covariance shrinkage towards the identity, in [0, 1] (default 0.05)
     * @param spectralWindow records of one labelled class per spectral-signature analysis (default
     *     200; 0 turns spectral signatures off)
     * @param epsilon upper bound of the poisoned share of a window, in (0, 1/3] (default 0.05)
     * @param separationFactor multiple of the Gaussian separation a window needs (default 2)
     * @param severity severity of the alerts (default MEDIUM)
     * @param reviewMinFlagged a contributor's flagged records before its flagged-record rate can
     *     raise a POISONING alert about it (default 5; 0 turns the rate off)
     * @param reviewFlagRate the rate at which an honest contributor's records are flagged, against
     *     which a contributor's rate is tested at {@code poisoning.alpha} (default: {@code alpha})
     */
    public record FeedbackRecordSettings(
            String reference,
            String referenceSha256,
            String labelColumn,
            Double alpha,
            OutlierPValue method,
            Double shrinkage,
            Integer spectralWindow,
            Double epsilon,
            Double separationFactor,
            Severity severity,
            Integer reviewMinFlagged,
            Double reviewFlagRate)
            implements Serializable {
        public FeedbackRecordSettings {
            labelColumn = labelColumn == null ? "label" : labelColumn;
            alpha = alpha == null ? 0.001 : alpha;
            method = method == null ? OutlierPValue.CONFORMAL : method;
            shrinkage = shrinkage == null ? 0.05 : shrinkage;
            spectralWindow = spectralWindow == null ? 200 : spectralWindow;
            epsilon = epsilon == null ? 0.05 : epsilon;
            separationFactor = separationFactor == null ? 2.0 : separationFactor;
            severity = severity == null ? Severity.MEDIUM : severity;
            reviewMinFlagged = reviewMinFlagged == null ? 5 : reviewMinFlagged;
            reviewFlagRate = reviewFlagRate == null ? alpha : reviewFlagRate;
        }

        /** Settings with the default contributor review. */
        public FeedbackRecordSettings(
                String reference,
                String referenceSha256,
                String labelColumn,
                Double alpha,
                OutlierPValue method,
                Double shrinkage,
                Integer spectralWindow,
                Double epsilon,
                Double separationFactor,
                Severity severity) {
            this(
                    reference,
                    referenceSha256,
                    labelColumn,
                    alpha,
                    method,
                    shrinkage,
                    spectralWindow,
                    epsilon,
                    separationFactor,
                    severity,
                    null,
                    null);
        }

        /** These settings with the reference file at another path. */
        public FeedbackRecordSettings withReference(String path) {
            return new FeedbackRecordSettings(
                    path,
                    referenceSha256,
                    labelColumn,
                    alpha,
                    method,
                    shrinkage,
                    spectralWindow,
                    epsilon,
                    separationFactor,
                    severity,
                    reviewMinFlagged,
                    reviewFlagRate);
        }
    }

    /** How a class-conditional distance becomes a p-value, as config names it. */
    public enum OutlierPValue {
        @JsonProperty("conformal")
        CONFORMAL,
        @JsonProperty("chi-squared")
        CHI_SQUARED
    }

    /** The extraction signals, as config names them. */
    public enum ExtractionSignalName {
        @JsonProperty("prada")
        PRADA,
        @JsonProperty("query-rate")
        QUERY_RATE,
        @JsonProperty("class-coverage")
        CLASS_COVERAGE,
        @JsonProperty("near-boundary")
        NEAR_BOUNDARY;

        public ExtractionSignal toSignal() {
            return ExtractionSignal.valueOf(name());
        }
    }

    /**
     * Feature squeezing ({@code models[].detectors.squeezing}; Xu, Evans &amp; Qi, NDSS 2018): the
     * served model ({@code served-model}) is run on squeezed copies of each request's features, and
     * the largest L1 distance between its probabilities there and the logged ones is the score
     * (high is anomalous). Logits, when logged, are turned into probabilities first. Judged like
     * any ONNX detector, by {@code threshold} or conformally by {@code alpha} against the profile's
     * row sample (whose logged answers are the served model's own), or by the {@code
     * evasion-ensemble}.
     *
     * @param name names the detector in alerts ({@code onnx.NAME}; default {@code squeezing})
     * @param squeezers at least one
     * @param threshold a fixed score threshold in (0, 2); or
     * @param alpha the conformal false-positive rate
     * @param batchSize rows per batch (default 64)
     * @param maxWait the longest a row waits for its batch (default 50ms)
     * @param severity severity of the alerts (default MEDIUM)
     */
    public record SqueezingSettings(
            String name,
            List<SqueezerSettings> squeezers,
            Double threshold,
            Double alpha,
            Integer batchSize,
            Duration maxWait,
            Severity severity)
            implements Serializable {
        public SqueezingSettings {
            name = name == null ? "squeezing" : name;
            squeezers =
                    squeezers == null
                            ? List.of()
                            : java.util.Collections.unmodifiableList(
                                    new java.util.ArrayList<>(squeezers));
            batchSize = batchSize == null ? OnnxDetectorSettings.DEFAULT_BATCH_SIZE : batchSize;
            maxWait = maxWait == null ? OnnxDetectorSettings.DEFAULT_MAX_WAIT : maxWait;
            severity = severity == null ? Severity.MEDIUM : severity;
        }
    }

    /**
     * One squeezer: {@code type: bit-depth} with {@code bits}, {@code min} and {@code max} (the
     * value range, e.g. 0 and 16 for the digits' pixels); {@code type: median} with {@code window}
     * (needs {@code features.shape} of two dimensions); or {@code type: rounding} with {@code
     * step}.
     */
    public record SqueezerSettings(
            SqueezerType type, Integer bits, Double min, Double max, Integer window, Double step)
            implements Serializable {

        /**
         * The squeezer for rows of the given features.
         *
         * @throws IllegalArgumentException naming the missing or wrong key
         */
        public Squeezer toSqueezer(FeatureSpec features) {
            if (type == null) {
                throw new IllegalArgumentException(
                        "type: required (bit-depth, median or rounding)");
            }
            return switch (type) {
                case BIT_DEPTH -> {
                    if (bits == null || min == null || max == null) {
                        throw new IllegalArgumentException(
                                "bit-depth needs bits, min and max (the value range)");
                    }
                    yield new BitDepthReduction(bits, min, max);
                }
                case MEDIAN -> {
                    if (window == null) {
                        throw new IllegalArgumentException("median needs window (e.g. 2)");
                    }
                    if (features.shape() == null || features.shape().size() != 2) {
                        throw new IllegalArgumentException(
                                "median needs image-shaped features: features.shape of two"
                                        + " dimensions, e.g. [8, 8]");
                    }
                    yield new MedianSmoothing(
                            features.shape().get(0), features.shape().get(1), window);
                }
                case ROUNDING -> {
                    if (step == null) {
                        throw new IllegalArgumentException("rounding needs step");
                    }
                    yield Rounding.to(step);
                }
            };
        }
    }

    /** The kinds of squeezer. */
    public enum SqueezerType {
        @JsonProperty("bit-depth")
        BIT_DEPTH,
        @JsonProperty("median")
        MEDIAN,
        @JsonProperty("rounding")
        ROUNDING
    }

    /**
     * Output integrity ({@code models[].detectors.integrity}): a sample of requests is re-scored
     * with the served model ({@code served-model}) and the largest absolute difference between its
     * output and the logged output tensor is compared with {@code tolerance}; a larger one is an
     * INTEGRITY alert (a swapped or tampered model, or a logging bug). The sample is chosen by a
     * hash of the request id, so a replay samples the same requests.
     *
     * @param sampleRate the share of requests re-scored, in (0, 1] (default 0.01)
     * @param tolerance the largest difference still accepted (default 1e-4: float32 noise between
     *     runtimes is far smaller)
     * @param batchSize rows per batch (default 64)
     * @param maxWait the longest a row waits for its batch (default 50ms)
     * @param severity severity of the alerts (default HIGH)
     */
    public record IntegritySettings(
            Double sampleRate,
            Double tolerance,
            Integer batchSize,
            Duration maxWait,
            Severity severity)
            implements Serializable {
        public IntegritySettings {
            sampleRate = sampleRate == null ? 0.01 : sampleRate;
            tolerance = tolerance == null ? 1e-4 : tolerance;
            batchSize = batchSize == null ? OnnxDetectorSettings.DEFAULT_BATCH_SIZE : batchSize;
            maxWait = maxWait == null ? OnnxDetectorSettings.DEFAULT_MAX_WAIT : maxWait;
            severity = severity == null ? Severity.HIGH : severity;
        }
    }

    /**
     * The evasion ensemble ({@code models[].detectors.evasion-ensemble}): the model's ONNX
     * detectors and feature squeezing, each turned into a conformal p-value against half of the
     * profile's row sample, combined ({@code fisher} or {@code bonferroni}) and ranked once more
     * against the other half ({@code io.warden.detectors.calibration.ConformalEnsemble}), so that
     * {@code alpha} is the false-positive rate of the whole. The members then give neither {@code
     * threshold} nor {@code alpha} and raise no alerts of their own: one EVASION alert per flagged
     * row names the members that fired.
     *
     * @param combination {@code fisher} (default) or {@code bonferroni}
     * @param alpha the ensemble's false-positive rate (default 0.001)
     * @param severity severity of the alerts (default MEDIUM)
     */
    public record EnsembleSettings(EnsembleCombination combination, Double alpha, Severity severity)
            implements Serializable {
        public EnsembleSettings {
            combination = combination == null ? EnsembleCombination.FISHER : combination;
            alpha = alpha == null ? 0.001 : alpha;
            severity = severity == null ? Severity.MEDIUM : severity;
        }
    }

    /** How the ensemble combines its members' p-values. */
    public enum EnsembleCombination {
        @JsonProperty("fisher")
        FISHER,
        @JsonProperty("bonferroni")
        BONFERRONI;

        public PValueCombination toCombination() {
            return this == FISHER ? PValueCombination.FISHER : PValueCombination.BONFERRONI;
        }
    }

    /**
     * A bring-your-own ONNX detector ({@code models[].detectors.onnx[]}): any ONNX model that takes
     * the request's feature rows (all of the model's features in their configured order, or the
     * subset named in {@code features}, in that order) as one float input of shape {@code [batch,
     * width]} and gives one score per row as a float output of shape {@code [batch]} or {@code
     * [batch, 1]}. Rows are scored in micro-batches by {@code io.warden.jobs.onnx}; a flagged row
     * raises an EVASION alert about its request.
     *
     * <p>A row is flagged either by a fixed {@code threshold} on the score (above it when {@code
     * direction} is {@code high}, below it when {@code low}) or, with {@code alpha}, conformally:
     * the detector's scores on the reference rows (the model profile's multivariate row sample,
     * which every profile of two or more numeric features holds) form the reference distribution,
     * and a row is flagged when its conformal p-value is at most {@code alpha}, so that about a
     * fraction {@code alpha} of traffic like the reference is flagged. Exactly one of the two is
     * required, unless the model has an {@code evasion-ensemble}, which judges its members and
     * takes neither; {@code alpha} needs the model's profile. If the detector was fitted on the
     * same rows the profile was built from, its reference scores are optimistic and the
     * false-positive rate can exceed {@code alpha}: build the profile from held-out data.
     *
     * <p>Instead of {@code model}, {@code sha256}, {@code input} and {@code output}, {@code
     * builtin} names one of warden's built-in detectors ({@code pca}: PCA reconstruction error;
     * {@code mahalanobis}: squared Mahalanobis distance), fitted from the model's profile: when the
     * job is built, {@code io.warden.detectors.onnx.BuiltInDetectors} exports it from the profile,
     * writes it to a file named by its SHA-256 and runs it like any other ONNX detector, pinned to
     * that digest. It takes the profile's numeric features in the profile's order, so {@code
     * features} is not allowed with it.
     *
     * @param name unique per model; names the detector in alerts ({@code onnx.NAME})
     * @param builtin a built-in detector fitted from the profile, instead of model, sha256, input
     *     and output; or null
     * @param model the ONNX file, relative to the config file
     * @param sha256 the file's pinned SHA-256 (required): start-up fails when the file differs
     * @param input the model's float input fed with the rows
     * @param output the model's float output read as the score
     * @param features the features fed, in the model's order (default: all, as configured)
     * @param direction which scores are anomalous: {@code high} (default) or {@code low}
     * @param threshold a fixed score threshold; or
     * @param alpha the conformal false-positive rate in (0, 1)
     * @param batchSize rows per call of ONNX Runtime (default 64)
     * @param maxWait the longest a row waits for its batch to fill (default 50ms)
     * @param intraOpThreads ONNX Runtime threads per scoring subtask (default 1)
     * @param executionProvider {@code cpu} (default) or {@code cuda} (falls back to cpu, logged)
     * @param severity severity of the alerts (default MEDIUM)
     */
    public record OnnxDetectorSettings(
            String name,
            BuiltinDetector builtin,
            String model,
            String sha256,
            String input,
            String output,
            List<String> features,
            ScoreDirection direction,
            Double threshold,
            Double alpha,
            Integer batchSize,
            Duration maxWait,
            Integer intraOpThreads,
            ExecutionProvider executionProvider,
            Severity severity)
            implements Serializable {
        /** Default rows per batch. */
        public static final int DEFAULT_BATCH_SIZE = 64;

        /** Default longest wait of a row for its batch. */
        public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(50);

        public OnnxDetectorSettings {
            features = features == null ? null : List.copyOf(features);
            direction = direction == null ? ScoreDirection.HIGH : direction;
            batchSize = batchSize == null ? DEFAULT_BATCH_SIZE : batchSize;
            maxWait = maxWait == null ? DEFAULT_MAX_WAIT : maxWait;
            intraOpThreads =
                    intraOpThreads == null
                            ? OnnxScorerSettings.DEFAULT_INTRA_OP_THREADS
                            : intraOpThreads;
            executionProvider =
                    executionProvider == null ? ExecutionProvider.CPU : executionProvider;
            severity = severity == null ? Severity.MEDIUM : severity;
        }

        /** Settings of a bring-your-own model (no {@code builtin}). */
        public OnnxDetectorSettings(
                String name,
                String model,
                String sha256,
                String input,
                String output,
                List<String> features,
                ScoreDirection direction,
                Double threshold,
                Double alpha,
                Integer batchSize,
                Duration maxWait,
                Integer intraOpThreads,
                ExecutionProvider executionProvider,
                Severity severity) {
            this(
                    name,
                    null,
                    model,
                    sha256,
                    input,
                    output,
                    features,
                    direction,
                    threshold,
                    alpha,
                    batchSize,
                    maxWait,
                    intraOpThreads,
                    executionProvider,
                    severity);
        }

        /** These settings with the model file at another path. */
        public OnnxDetectorSettings withModel(String path) {
            return new OnnxDetectorSettings(
                    name,
                    builtin,
                    path,
                    sha256,
                    input,
                    output,
                    features,
                    direction,
                    threshold,
                    alpha,
                    batchSize,
                    maxWait,
                    intraOpThreads,
                    executionProvider,
                    severity);
        }

        /** The features fed: the configured subset, or all of the model's. */
        public List<String> inputFeatures(FeatureSpec modelFeatures) {
            return features != null ? features : modelFeatures.featureNames();
        }
    }

    /** warden's built-in ONNX detectors, fitted from a model's reference profile. */
    public enum BuiltinDetector {
        /** The PCA reconstruction error of the profile's fitted PCA model. */
        @JsonProperty("pca")
        PCA,
        /** The squared Mahalanobis distance from the profile's mean and covariance. */
        @JsonProperty("mahalanobis")
        MAHALANOBIS
    }

    /** Which end of a detector's score is anomalous. */
    public enum ScoreDirection {
        @JsonProperty("high")
        HIGH,
        @JsonProperty("low")
        LOW;

        /** As the calibration classes take it. */
        public Direction toDirection() {
            return this == HIGH ? Direction.HIGH_IS_ANOMALOUS : Direction.LOW_IS_ANOMALOUS;
        }
    }

    /**
     * The confidence-anomaly detector (Hendrycks and Gimpel, ICLR 2017): max softmax probability,
     * entropy and margin ranked against a reference distribution.
     *
     * <p>The reference is the model's profile (its predictions part) unless one of the two
     * alternatives below is given.
     *
     * @param enabled default true when the section is present
     * @param alpha target false-positive rate on traffic like the reference (default 0.001)
     * @param referenceFile a confidence reference file (JSON with {@code msp}, {@code entropy},
     *     {@code margin} samples), relative to the config file; or
     * @param reference the reference samples inline
     * @param severity severity of the alerts it raises (default LOW)
     */
    public record ConfidenceSettings(
            Boolean enabled,
            Double alpha,
            String referenceFile,
            ReferenceSamples reference,
            Severity severity)
            implements Serializable {
        public ConfidenceSettings {
            enabled = enabled == null || enabled;
            alpha = alpha == null ? 0.001 : alpha;
            severity = severity == null ? Severity.LOW : severity;
        }
    }

    /** Reference samples of the three confidence signals. */
    public record ReferenceSamples(List<Double> msp, List<Double> entropy, List<Double> margin)
            implements Serializable {
        /** The samples as the confidence detector's reference. */
        public ConfidenceReference toReference() {
            return ConfidenceReference.of(toArray(msp), toArray(entropy), toArray(margin));
        }

        private static double[] toArray(List<Double> values) {
            return values.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    /**
     * Windowed drift against the reference profile, per model version, in event time.
     *
     * @param enabled default true when the section is present
     * @param window length of the tumbling windows (default 1m), or of the sliding windows when
     * @param slide is set (a window every {@code slide}, each {@code window} long)
     * @param minSamples a window with fewer rows is reported but never judged drifted (default 100)
     * @param correction multiple-testing correction across features: {@code none}, {@code
     *     bonferroni}, {@code holm} or {@code benjamini-hochberg} (default)
     * @param alpha the level the corrected test p-values are compared with (default 0.05)
     * @param thresholds per-statistic thresholds (defaults: Evidently's)
     * @param verdict which statistic decides a feature's verdict: {@code auto} (default: the test
     *     for windows of up to 1,000 rows, the distance above), {@code test}, {@code distance},
     *     {@code any}
     * @param minDriftedFeatures how many drifted features make the model's inputs drifted (default
     *     1)
     * @param prediction also compare the predicted-class distribution with the profile's priors
     *     (default true)
     * @param confidence also compare the max-softmax-probability distribution (default true)
     * @param pca also the PCA reconstruction error (NannyML's multivariate drift; default true)
     * @param alertAfter consecutive drifted windows before a DRIFT alert (default 1)
     * @param recoverAfter consecutive clean windows before the drift is declared over (default 2)
     * @param severity severity of DRIFT alerts (default MEDIUM)
     */
    public record DriftSettings(
            Boolean enabled,
            Duration window,
            Duration slide,
            Integer minSamples,
            String correction,
            Double alpha,
            DriftThresholdSettings thresholds,
            VerdictRule verdict,
            Integer minDriftedFeatures,
            Boolean prediction,
            Boolean confidence,
            Boolean pca,
            Integer alertAfter,
            Integer recoverAfter,
            Severity severity)
            implements Serializable {
        public DriftSettings {
            enabled = enabled == null || enabled;
            window = window == null ? Duration.ofMinutes(1) : window;
            minSamples = minSamples == null ? 100 : minSamples;
            correction = correction == null ? "benjamini-hochberg" : correction;
            alpha = alpha == null ? 0.05 : alpha;
            thresholds = thresholds == null ? DriftThresholdSettings.defaults() : thresholds;
            verdict = verdict == null ? VerdictRule.AUTO : verdict;
            minDriftedFeatures = minDriftedFeatures == null ? 1 : minDriftedFeatures;
            prediction = prediction == null || prediction;
            confidence = confidence == null || confidence;
            pca = pca == null || pca;
            alertAfter = alertAfter == null ? 1 : alertAfter;
            recoverAfter = recoverAfter == null ? 2 : recoverAfter;
            severity = severity == null ? Severity.MEDIUM : severity;
        }

        /**
         * The thresholds and verdict rule as the drift statistics take them.
         *
         * @throws IllegalArgumentException naming a threshold out of its range
         */
        public DriftThresholds driftThresholds() {
            DriftThresholds d = DriftThresholds.defaults();
            DriftThresholdSettings t = thresholds;
            return new DriftThresholds(
                    t.psi() == null ? d.psi() : t.psi(),
                    t.jsDistance() == null ? d.jsDistance() : t.jsDistance(),
                    t.wassersteinNorm() == null ? d.wassersteinNorm() : t.wassersteinNorm(),
                    t.ksPValue() == null ? d.ksPValue() : t.ksPValue(),
                    t.chi2PValue() == null ? d.chiSquaredPValue() : t.chi2PValue(),
                    verdict,
                    d.smallSampleLimit());
        }
    }

    /** Drift statistic thresholds; null keeps the default (Evidently's). */
    public record DriftThresholdSettings(
            Double psi,
            Double jsDistance,
            Double wassersteinNorm,
            Double ksPValue,
            Double chi2PValue)
            implements Serializable {
        public static DriftThresholdSettings defaults() {
            return new DriftThresholdSettings(null, null, null, null, null);
        }
    }

    /**
     * Fast sequential change detection on per-request signals, before a window closes: one detector
     * per signal and model version, one alarm per change (see {@code io.warden.jobs.sequential}).
     *
     * <p>Every signal is read on [0, 1], the scale ADWIN's bound assumes: {@code msp} and {@code
     * margin} as they are, {@code entropy} divided by ln(number of classes), and a feature through
     * its reference profile's CDF (the probability integral transform), so a feature signal needs
     * the model's profile. {@code delta} and {@code threshold} are in those units.
     *
     * @param enabled default true when the section is present
     * @param detector {@code adwin} (default; Bifet and Gavald&agrave; 2007) or {@code
     *     page-hinkley}
     * @param signals what to watch: {@code msp}, {@code entropy}, {@code margin} and feature names
     *     (default: msp and entropy)
     * @param delta ADWIN's confidence in (0, 1) (default 0.002); Page-Hinkley's tolerated magnitude
     *     of change in [0, 1) (default 0.005)
     * @param threshold Page-Hinkley's lambda (default 50)
     * @param fading Page-Hinkley's fading factor alpha of its cumulative sums, in (0, 1] (default
     *     {@value #DEFAULT_FADING}: no fading, Page's classical test against the running mean);
     *     page-hinkley only, null for ADWIN. The detector's own default, River's 1 &minus;
     *     10<sup>&minus;4</sup>, is not used: on long change-free streams of signals with a spread
     *     like a feature's through its CDF it raises about ten times the false alarms Siegmund's
     *     approximation predicts ({@code docs/detection-quality.md})
     * @param cooldown rows of a signal after an alarm before it may alarm again (default 1000)
     * @param severity severity of the alerts (default MEDIUM)
     */
    public record SequentialSettings(
            Boolean enabled,
            SequentialDetector detector,
            List<String> signals,
            Double delta,
            Double threshold,
            Double fading,
            Integer cooldown,
            Severity severity)
            implements Serializable {

        /** Page-Hinkley's fading factor when none is configured: {@value}, no fading. */
        public static final double DEFAULT_FADING = 1.0;

        public SequentialSettings {
            enabled = enabled == null || enabled;
            detector = detector == null ? SequentialDetector.ADWIN : detector;
            if (fading == null && detector == SequentialDetector.PAGE_HINKLEY) {
                fading = DEFAULT_FADING;
            }
            signals = signals == null ? List.of("msp", "entropy") : List.copyOf(signals);
            cooldown = cooldown == null ? 1000 : cooldown;
            severity = severity == null ? Severity.MEDIUM : severity;
        }
    }

    /** The sequential change detectors. */
    public enum SequentialDetector {
        @JsonProperty("adwin")
        ADWIN,
        @JsonProperty("page-hinkley")
        PAGE_HINKLEY
    }

    /**
     * Realised performance from feedback labels ({@code models[].detectors.performance}): labels on
     * the feedback topic are joined to the predictions they label, and per window of request event
     * time the accuracy, per-class recall and precision and the calibration error are reported; a
     * drop of the accuracy beyond {@code max-drop} below {@code reference-accuracy}, significant at
     * {@code alpha} by a one-sided exact binomial test, raises a PERFORMANCE alert (with the same
     * hysteresis as drift).
     *
     * @param window window length, by the labelled request's event time (default 1h)
     * @param labelWait how long after its request a label may come and still count (default 1h); a
     *     window reports this long after its end
     * @param referenceAccuracy the model's accuracy on reference data (required)
     * @param referenceEce its expected calibration error there, reported alongside (optional)
     * @param maxDrop tolerated absolute drop below the reference accuracy (default 0.05)
     * @param alpha significance of the drop (default 0.01)
     * @param minLabels windows with fewer labels are reported but not judged (default 100)
     * @param calibrationBins equal-width confidence bins of the calibration error (default 10)
     */
    public record PerformanceSettings(
            Boolean enabled,
            Duration window,
            Duration labelWait,
            Double referenceAccuracy,
            Double referenceEce,
            Double maxDrop,
            Double alpha,
            Integer minLabels,
            Integer calibrationBins,
            Integer alertAfter,
            Integer recoverAfter,
            Severity severity)
            implements Serializable {
        public PerformanceSettings {
            enabled = enabled == null || enabled;
            window = window == null ? Duration.ofHours(1) : window;
            labelWait = labelWait == null ? Duration.ofHours(1) : labelWait;
            maxDrop = maxDrop == null ? 0.05 : maxDrop;
            alpha = alpha == null ? 0.01 : alpha;
            minLabels = minLabels == null ? 100 : minLabels;
            calibrationBins = calibrationBins == null ? 10 : calibrationBins;
            alertAfter = alertAfter == null ? 1 : alertAfter;
            recoverAfter = recoverAfter == null ? 2 : recoverAfter;
            severity = severity == null ? Severity.HIGH : severity;
        }
    }
}
