package io.warden.bench;

import io.warden.detectors.extraction.ExtractionMonitor;
import io.warden.detectors.extraction.ExtractionState;
import io.warden.detectors.poisoning.ContributorMonitor;
import io.warden.detectors.query.BlacklightDetector;
import io.warden.detectors.query.NearestNeighbourQueryDetector;
import io.warden.detectors.query.QueryHistory;
import java.util.Locale;

/**
 * The state sizes behind the client benchmarks: the Java serialization of each detector's state,
 * filled as its benchmark fills it ({@link ClientTraffic}), for each history size the benchmarks
 * measure. Per client for the extraction monitor ({@link ExtractionState}, a keyed-state entry of
 * the job), the nearest-neighbour detector ({@link QueryHistory}, likewise) and the contributor
 * monitor; for Blacklight, its one store per model version ({@link BlacklightDetector.State}, which
 * the job Java-serializes into operator state), shared by all clients. Deterministic (seeded): run
 * once, {@code java -cp bench/target/benchmarks.jar io.warden.bench.ClientStateSizes}.
 */
public final class ClientStateSizes {

    private ClientStateSizes() {}

    public static void main(String[] args) {
        System.out.println("detector\tparam\tqueries to fill\tserialized bytes");
        for (int perClass : new int[] {10, 100, 1000}) {
            for (int window : new int[] {100, 1000}) {
                ExtractionMonitor monitor = ClientTraffic.extractionMonitor(perClass, window);
                ExtractionState state = ClientTraffic.filledExtractionState(monitor);
                print(
                        "ExtractionState",
                        "maxGrowingSetPerClass=" + perClass + " distanceWindow=" + window,
                        state.queries(),
                        ClientTraffic.serializedBytes(state));
            }
        }
        for (int bufferSize : new int[] {50, 200, 1000}) {
            NearestNeighbourQueryDetector detector = ClientTraffic.nearestNeighbour(bufferSize);
            QueryHistory history = ClientTraffic.filledHistory(detector);
            print(
                    "QueryHistory",
                    "bufferSize=" + bufferSize,
                    history.queries(),
                    ClientTraffic.serializedBytes(history));
        }
        for (int maxEntries : new int[] {10_000, 100_000, 250_000}) {
            BlacklightDetector blacklight = ClientTraffic.blacklight(maxEntries);
            ClientTraffic.fill(blacklight, maxEntries, ClientTraffic.clients(1024));
            print(
                    "BlacklightDetector.State (whole store)",
                    "maxEntries=" + maxEntries,
                    blacklight.queries(),
                    ClientTraffic.serializedBytes(blacklight.snapshot()));
        }
        ContributorMonitor contributors = ClientTraffic.contributorMonitor();
        print(
                "ContributorState",
                "defaults",
                ContributorMonitorBenchmark.HISTORY,
                ClientTraffic.serializedBytes(
                        ClientTraffic.filledContributorState(
                                contributors, ContributorMonitorBenchmark.HISTORY)));
    }

    private static void print(String what, String param, long queries, int bytes) {
        System.out.printf(Locale.ROOT, "%s\t%s\t%d\t%d%n", what, param, queries, bytes);
    }
}
