package io.vmledger.engine;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * Counts state restored from changelogs (after a crash or a lost state directory) and how long
 * restoring took, for progress reports and the restore-rate benchmark.
 */
public final class RestoreProgress implements StateRestoreListener {
    private final AtomicLong restored = new AtomicLong();
    private final AtomicLong active = new AtomicLong();
    private final AtomicLong firstStartNanos = new AtomicLong();
    private final AtomicLong lastEndNanos = new AtomicLong();

    @Override
    public void onRestoreStart(
            TopicPartition partition, String store, long startOffset, long endOffset) {
        firstStartNanos.compareAndSet(0, System.nanoTime());
        active.incrementAndGet();
    }

    @Override
    public void onBatchRestored(
            TopicPartition partition, String store, long batchEndOffset, long numRestored) {
        restored.addAndGet(numRestored);
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        active.decrementAndGet();
        lastEndNanos.set(System.nanoTime());
    }

    /** Changelog records restored so far. */
    public long restoredRecords() {
        return restored.get();
    }

    /**
     * Nanoseconds from the first restore start to the last restore end, 0 if nothing was restored.
     */
    public long restoreNanos() {
        long start = firstStartNanos.get();
        return start == 0 ? 0 : Math.max(0, lastEndNanos.get() - start);
    }
}
