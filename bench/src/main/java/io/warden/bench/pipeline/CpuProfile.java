package io.warden.bench.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * A CPU profile of one benchmark run from Java Flight Recorder's execution samples (every 10 ms,
 * each thread running Java code), summed up in two ways: by thread (the Kafka broker, the source's
 * fetcher threads, Flink's task threads, the asynchronous part of checkpoints, which writes keyed
 * state out, the sinks' producer threads) and, inside Flink's task threads, by the stage the
 * sampled code was working for (decoding, the join, the detector, Flink's serialization, encoding,
 * the Kafka producer). A sample counts for the stage of the marker frame nearest to the top of its
 * stack. Time spent in native code or waiting is not sampled.
 */
final class CpuProfile {
    private static final String EXECUTION_SAMPLE = "jdk.ExecutionSample";
    private static final String SERIALIZATION = "Flink serialization (copies, network)";

    /**
     * Stage markers, checked from the top of the stack down: the first frame that matches one
     * decides. Where none matches, a frame of Flink's counts as "Flink runtime (other)".
     */
    private static final List<Marker> MARKERS =
            List.of(
                    new Marker("decode + validate", "io.warden.jobs.monitor.IngestDeserializer"),
                    new Marker("encode output (Avro)", "io.warden.jobs.kafka.KafkaConnectors$"),
                    new Marker("join", "io.warden.jobs.monitor.RequestResponseJoin"),
                    new Marker("confidence detector", "io.warden.jobs.monitor.ConfidenceScoring"),
                    new Marker("route / map", "io.warden.jobs.monitor.RouteIngested"),
                    new Marker("route / map", "io.warden.bench.pipeline.PassThroughJob"),
                    new Marker(SERIALIZATION, "org.apache.flink.api.java.typeutils.runtime."),
                    new Marker(SERIALIZATION, "org.apache.flink.api.common.typeutils."),
                    new Marker(SERIALIZATION, "org.apache.flink.formats.avro."),
                    new Marker(SERIALIZATION, "org.apache.flink.core.memory."),
                    new Marker(
                            SERIALIZATION,
                            "org.apache.flink.runtime.io.network.api.serialization."),
                    new Marker("timers", "org.apache.flink.streaming.api.operators.InternalTimer"),
                    new Marker("timers", "org.apache.flink.runtime.state.heap.HeapPriorityQueue"),
                    new Marker("keyed state (heap)", "org.apache.flink.runtime.state."),
                    new Marker("checkpointing", "org.apache.flink.runtime.checkpoint."),
                    new Marker("Kafka producer (sink)", "org.apache.kafka.clients.producer."),
                    new Marker("Kafka producer (sink)", "org.apache.flink.connector.kafka.sink."),
                    new Marker("Kafka consumer (source)", "org.apache.kafka.clients.consumer."));

    private record Marker(String stage, String classPrefix) {}

    /** Samples per thread group and, within Flink's task threads, per stage. */
    record Summary(long samples, Map<String, Long> byThread, Map<String, Long> byStage) {
        /** Two lines: shares by thread group, and by stage within Flink's task threads. */
        String describe() {
            long tasks = byThread.getOrDefault(TASKS, 0L);
            return "    cpu samples by thread: "
                    + shares(byThread, samples)
                    + "\n    within Flink task threads: "
                    + shares(byStage, tasks);
        }
    }

    static final String TASKS = "Flink tasks";

    private final Recording recording;
    private final Path file;

    private CpuProfile(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    /** Starts recording execution samples into {@code file}. */
    static CpuProfile start(Path file) {
        Recording r = new Recording();
        r.enable(EXECUTION_SAMPLE).withPeriod(Duration.ofMillis(10));
        r.setToDisk(true);
        r.start();
        return new CpuProfile(r, file);
    }

    /** Stops recording, writes the file and sums up its samples. */
    Summary stop() throws IOException {
        recording.stop();
        recording.dump(file);
        recording.close();
        Map<String, Long> byThread = new TreeMap<>();
        Map<String, Long> byStage = new TreeMap<>();
        long samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals(EXECUTION_SAMPLE)) {
                continue;
            }
            samples++;
            String thread =
                    e.getThread("sampledThread") == null
                            ? "?"
                            : e.getThread("sampledThread").getJavaName();
            String group = threadGroup(thread == null ? "?" : thread);
            byThread.merge(group, 1L, Long::sum);
            if (group.equals(TASKS)) {
                byStage.merge(stage(e.getStackTrace()), 1L, Long::sum);
            }
        }
        return new Summary(samples, byThread, byStage);
    }

    /** Which part of the process a thread belongs to, by the names Kafka and Flink give them. */
    static String threadGroup(String name) {
        if (name.startsWith("Source Data Fetcher")) {
            return "source fetchers (Kafka consumer)";
        }
        if (name.startsWith("AsyncOperations")) {
            return "asynchronous checkpoint parts";
        }
        if (name.startsWith("kafka-producer-network-thread")) {
            return "sink producer I/O";
        }
        if (name.matches(".*\\(\\d+/\\d+\\)#\\d+$")) {
            return TASKS;
        }
        if (name.startsWith("data-plane-kafka")
                || name.startsWith("kafka-")
                || name.startsWith("broker-")
                || name.startsWith("controller-")
                || name.startsWith("quorum-controller")
                || name.startsWith("raft-")
                || name.contains("-network-thread-")
                || name.startsWith("ExpirationReaper")
                || name.startsWith("TxnMarkerSenderThread")
                || name.startsWith("group-coordinator")
                || name.startsWith("transaction-log-manager")) {
            return "Kafka broker";
        }
        if (name.startsWith("flink-") || name.startsWith("Checkpoint") || name.contains("pekko")) {
            return "Flink coordination";
        }
        return "other";
    }

    private static String stage(RecordedStackTrace trace) {
        if (trace == null) {
            return "unknown";
        }
        boolean flink = false;
        for (RecordedFrame f : trace.getFrames()) {
            if (f.getMethod() == null || f.getMethod().getType() == null) {
                continue;
            }
            String type = f.getMethod().getType().getName();
            for (Marker m : MARKERS) {
                if (type.startsWith(m.classPrefix())) {
                    return m.stage();
                }
            }
            flink |= type.startsWith("org.apache.flink.");
        }
        return flink ? "Flink runtime (other)" : "other";
    }

    private static String shares(Map<String, Long> counts, long total) {
        Map<String, Long> sorted =
                counts.entrySet().stream()
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                        .collect(
                                Collectors.toMap(
                                        Map.Entry::getKey,
                                        Map.Entry::getValue,
                                        (a, b) -> a,
                                        LinkedHashMap::new));
        return sorted.entrySet().stream()
                .map(
                        e ->
                                String.format(
                                        Locale.ROOT,
                                        "%s %.0f%%",
                                        e.getKey(),
                                        100.0 * e.getValue() / Math.max(1, total)))
                .collect(Collectors.joining(", "));
    }
}
