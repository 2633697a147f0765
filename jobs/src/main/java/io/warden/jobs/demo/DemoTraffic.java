package io.warden.jobs.demo;

import io.warden.schemas.InferenceRequest;
import io.warden.schemas.InferenceResponse;
import io.warden.schemas.Tensor;
import io.warden.schemas.TensorDatatype;
import io.warden.schemas.codec.AvroCodec;
import io.warden.schemas.codec.JsonCodec;
import io.warden.schemas.codec.OpenInferenceProtocolCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Benign inference traffic for {@link DemoModel} with known truth: most requests are typical inputs
 * of one class; a share are ambiguous inputs on every decision boundary at once (what the
 * confidence detector should flag); and a few are defective (garbage bytes, NaN features, a missing
 * feature, an unknown model, a response that never comes), which must end on the dead-letter topic.
 * Each request is written in one of the three wire formats warden reads (Avro single-object, warden
 * JSON, Open Inference Protocol v2 JSON), and a response is sometimes sent before its request.
 */
public final class DemoTraffic {
    /** What a planned request really is. */
    public enum Truth {
        BENIGN,
        AMBIGUOUS,
        GARBAGE,
        NAN_INPUT,
        WRONG_SHAPE,
        UNKNOWN_MODEL,
        NO_RESPONSE,
        /** A query of the extraction client: Jacobian-augmentation-style steps (Papernot 2017). */
        EXTRACTION,
        /** A query of the prober: a decision-based attack's tiny steps around one point. */
        PROBE
    }

    /** The extraction client's id. */
    public static final String EXTRACTION_CLIENT = "client-41";

    /** The prober's id. */
    public static final String PROBE_CLIENT = "client-42";

    /** Which input topic a record goes to. */
    public enum Stream {
        REQUESTS,
        RESPONSES
    }

    /** One Kafka record to produce. */
    public record Record(Stream stream, String key, byte[] value) {}

    /**
     * One planned request: its id, its truth, the class its features were drawn from (what a
     * labeller would say; for an ambiguous input, the class a labeller picks at random), the
     * probabilities the model answered and the records that carry it.
     */
    public record Planned(
            String requestId,
            Truth truth,
            boolean drifted,
            long eventTimeMillis,
            int trueClass,
            double[] probabilities,
            List<Record> records) {
        /** The class the model predicted: the most probable one. */
        public int predictedClass() {
            int best = 0;
            for (int k = 1; k < probabilities.length; k++) {
                if (probabilities[k] > probabilities[best]) {
                    best = k;
                }
            }
            return best;
        }
    }

    /**
     * How the traffic is mixed.
     *
     * @param attackRate the share of requests sent by the two attackers (the extraction client and
     *     the prober, half each); 0 for benign traffic only
     */
    public record Mix(
            double ambiguousRate, double defectRate, List<Drift> drifts, double attackRate) {
        public Mix {
            drifts = List.copyOf(drifts);
        }

        /** A mix without attackers. */
        public Mix(double ambiguousRate, double defectRate, List<Drift> drifts) {
            this(ambiguousRate, defectRate, drifts, 0);
        }

        /** A mix without drift. */
        public Mix(double ambiguousRate, double defectRate) {
            this(ambiguousRate, defectRate, List.of());
        }

        public static Mix standard() {
            return new Mix(0.005, 0.004);
        }

        /** This mix with a covariate shift over a range of requests. */
        public Mix withDrift(Drift drift) {
            List<Drift> all = new ArrayList<>(drifts);
            all.add(drift);
            return new Mix(ambiguousRate, defectRate, all, attackRate);
        }

        /** This mix with the two attackers sending this share of the requests. */
        public Mix withAttacks(double rate) {
            return new Mix(ambiguousRate, defectRate, drifts, rate);
        }
    }

    /**
     * A covariate shift: from request {@code from} (inclusive) to {@code to} (exclusive) the named
     * features are moved by {@code shift} (in units of the features' noise, which is 1) before the
     * model answers, so its answers follow the shifted inputs as a real model's would.
     */
    public record Drift(long from, long to, List<String> features, double shift) {
        public Drift {
            features = List.copyOf(features);
            if (from < 0 || to <= from) {
                throw new IllegalArgumentException(
                        "drift needs 0 <= from < to, got " + from + ", " + to);
            }
        }

        boolean covers(long request) {
            return request >= from && request < to;
        }
    }

    private final DemoModel model;
    private final Random random;
    private final Mix mix;
    private final long startMillis;
    private final double intervalMillis;
    private final String runId;
    private final List<double[]> extractionQueries = new ArrayList<>();
    private double[] probe;
    private long n;

    /**
     * @param requestsPerSecond event-time rate: request {@code i} happens at {@code start + i /
     *     rate}
     */
    public DemoTraffic(
            DemoModel model, long seed, Mix mix, Instant start, double requestsPerSecond) {
        this.model = model;
        this.random = new Random(seed);
        this.mix = mix;
        this.startMillis = start.toEpochMilli();
        this.intervalMillis = 1000.0 / requestsPerSecond;
        this.runId = Long.toString(seed, 36);
    }

    /** The next request in event-time order. */
    public Planned next() {
        long i = n++;
        String id = "req-" + runId + "-" + i;
        long t = startMillis + (long) (i * intervalMillis);
        Truth truth = pickTruth();
        String client = "client-" + (1 + random.nextInt(40));
        int cls = random.nextInt(model.classes());
        double[] x = truth == Truth.AMBIGUOUS ? model.ambiguous(random) : model.sample(cls, random);
        if (truth == Truth.EXTRACTION) {
            client = EXTRACTION_CLIENT;
            x = extractionQuery(x);
        } else if (truth == Truth.PROBE) {
            client = PROBE_CLIENT;
            x = probeQuery(x);
        }
        boolean drifted = false;
        for (Drift d : mix.drifts()) {
            if (d.covers(i)) {
                drifted = true;
                for (String f : d.features()) {
                    int index = model.featureNames().indexOf(f);
                    if (index < 0) {
                        throw new IllegalArgumentException("the demo model has no feature " + f);
                    }
                    x[index] += d.shift();
                }
            }
        }
        double[] p = model.predict(x);
        if (truth == Truth.NAN_INPUT) {
            x[random.nextInt(x.length)] = Double.NaN;
        } else if (truth == Truth.WRONG_SHAPE) {
            x = java.util.Arrays.copyOf(x, x.length - 1);
        }
        String modelName = truth == Truth.UNKNOWN_MODEL ? "no-such-model" : DemoModel.NAME;
        InferenceRequest request =
                InferenceRequest.newBuilder()
                        .setRequestId(id)
                        .setEventTime(Instant.ofEpochMilli(t))
                        .setModelName(modelName)
                        .setModelVersion(DemoModel.VERSION)
                        .setClientId(client)
                        .setAttributes(
                                Map.of("region", random.nextBoolean() ? "eu-west" : "us-east"))
                        .setInputs(List.of(tensor(DemoModel.INPUT_TENSOR, x)))
                        .build();
        long latency = 3 + random.nextInt(25);
        InferenceResponse response =
                InferenceResponse.newBuilder()
                        .setRequestId(id)
                        .setEventTime(Instant.ofEpochMilli(t + latency))
                        .setModelName(modelName)
                        .setModelVersion(DemoModel.VERSION)
                        .setOutputs(List.of(tensor(DemoModel.OUTPUT_TENSOR, p)))
                        .setLatencyMs((double) latency)
                        .setAttributes(Map.of())
                        .build();
        List<Record> records = new ArrayList<>(2);
        if (truth == Truth.GARBAGE) {
            byte[] junk = new byte[8 + random.nextInt(40)];
            random.nextBytes(junk);
            records.add(new Record(Stream.REQUESTS, id, junk));
            return new Planned(id, truth, drifted, t, cls, p, records);
        }
        int format = random.nextInt(10);
        Record req = new Record(Stream.REQUESTS, id, encode(request, format));
        Record resp = new Record(Stream.RESPONSES, id, encode(response, format));
        if (truth == Truth.NO_RESPONSE) {
            records.add(req);
        } else if (random.nextInt(10) == 0) {
            records.add(resp);
            records.add(req);
        } else {
            records.add(req);
            records.add(resp);
        }
        return new Planned(id, truth, drifted, t, cls, p, records);
    }

    /**
     * The extraction client's next query: its first five are natural samples, then each is an
     * earlier query moved by 0.1 (a tenth of the features' noise) along a random sign vector.
     */
    private double[] extractionQuery(double[] natural) {
        double[] x = natural;
        if (extractionQueries.size() >= 5) {
            double[] base = extractionQueries.get(random.nextInt(extractionQueries.size()));
            x = new double[base.length];
            for (int j = 0; j < x.length; j++) {
                x[j] = base[j] + (random.nextBoolean() ? 0.1 : -0.1);
            }
        }
        extractionQueries.add(x);
        return x.clone();
    }

    /** The prober's next query: its last one moved by 0.02 of the noise per feature. */
    private double[] probeQuery(double[] natural) {
        double[] x = natural;
        if (probe != null) {
            x = new double[probe.length];
            for (int j = 0; j < x.length; j++) {
                x[j] = probe[j] + 0.02 * random.nextGaussian();
            }
        }
        probe = x;
        return x.clone();
    }

    private Truth pickTruth() {
        double u = random.nextDouble();
        if (u < mix.defectRate()) {
            Truth[] defects = {
                Truth.GARBAGE,
                Truth.NAN_INPUT,
                Truth.WRONG_SHAPE,
                Truth.UNKNOWN_MODEL,
                Truth.NO_RESPONSE
            };
            return defects[random.nextInt(defects.length)];
        }
        if (u < mix.defectRate() + mix.ambiguousRate()) {
            return Truth.AMBIGUOUS;
        }
        if (u < mix.defectRate() + mix.ambiguousRate() + mix.attackRate()) {
            return random.nextBoolean() ? Truth.EXTRACTION : Truth.PROBE;
        }
        return Truth.BENIGN;
    }

    /** 0-6: Avro single-object, 7-8: warden JSON, 9: Open Inference Protocol v2 JSON. */
    private static byte[] encode(InferenceRequest r, int format) {
        if (format <= 6) {
            return AvroCodec.standard().encode(r);
        } else if (format <= 8) {
            return JsonCodec.standard().encode(r);
        }
        return OpenInferenceProtocolCodec.standard().encodeRequest(r);
    }

    private static byte[] encode(InferenceResponse r, int format) {
        if (format <= 6) {
            return AvroCodec.standard().encode(r);
        } else if (format <= 8) {
            return JsonCodec.standard().encode(r);
        }
        return OpenInferenceProtocolCodec.standard().encodeResponse(r);
    }

    /** A one-row FP64 tensor of {@code values}, shape [1, n]. */
    public static Tensor tensor(String name, double[] values) {
        List<Double> data = new ArrayList<>(values.length);
        for (double v : values) {
            data.add(v);
        }
        return Tensor.newBuilder()
                .setName(name)
                .setDatatype(TensorDatatype.FP64)
                .setShape(Arrays.asList(1L, (long) values.length))
                .setData(data)
                .setStringData(List.of())
                .build();
    }
}
