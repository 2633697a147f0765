package io.warden.bench.pipeline;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Watches this JVM's memory: the heap in use right after each garbage collection (the largest such
 * value is an upper bound of the live heap: collections of the young generation leave the old
 * generation's garbage in place), overall and since the last {@link #resetRunPeak()}, and the
 * process's peak resident set size from {@code /proc/self/status} (heap, metaspace, thread stacks,
 * Flink's and Kafka's direct buffers). In the pipeline benchmark all of it covers the Kafka broker,
 * the Flink MiniCluster, the running job and the benchmark's own producer and readers together.
 */
final class HeapWatcher implements NotificationListener, AutoCloseable {
    private final Set<String> heapPools = new HashSet<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final AtomicLong peakAfterGc = new AtomicLong();
    private final AtomicLong runPeakAfterGc = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();
    private final AtomicLong runCollectionMillis = new AtomicLong();

    HeapWatcher() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(this, null, null);
                emitters.add(emitter);
            }
        }
    }

    @Override
    public void handleNotification(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long used = 0;
        for (Map.Entry<String, MemoryUsage> pool :
                info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        collections.incrementAndGet();
        runCollectionMillis.addAndGet(info.getGcInfo().getDuration());
        peakAfterGc.accumulateAndGet(used, Math::max);
        runPeakAfterGc.accumulateAndGet(used, Math::max);
    }

    /** The largest heap in use after a collection since this watcher started, in bytes. */
    long peakAfterGc() {
        return peakAfterGc.get();
    }

    /** The largest heap in use after a collection since {@link #resetRunPeak()}, in bytes. */
    long runPeakAfterGc() {
        return runPeakAfterGc.get();
    }

    /**
     * The duration of the collections reported since {@link #resetRunPeak()}, in milliseconds (for
     * G1 on Java 17: its young, mixed and full collections, all stop-the-world pauses; concurrent
     * marking is not included).
     */
    long runCollectionMillis() {
        return runCollectionMillis.get();
    }

    void resetRunPeak() {
        runPeakAfterGc.set(0);
        runCollectionMillis.set(0);
    }

    /** Collections seen so far. */
    long collections() {
        return collections.get();
    }

    /** The maximum heap size ({@code -Xmx}), in bytes. */
    static long maxHeap() {
        return Runtime.getRuntime().maxMemory();
    }

    /** This process's peak resident set size in bytes ({@code VmHWM}), or -1 where unknown. */
    static long peakResidentSetSize() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String kb = line.substring("VmHWM:".length()).replace("kB", "").trim();
                    return Long.parseLong(kb) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or an unexpected format: unknown
        }
        return -1;
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(this);
            } catch (ListenerNotFoundException e) {
                // already gone
            }
        }
    }
}
