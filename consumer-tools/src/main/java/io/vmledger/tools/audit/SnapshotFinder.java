package io.vmledger.tools.audit;

import io.vmledger.schema.Snapshot;
import io.vmledger.schema.topic.SnapshotKey;
import io.vmledger.schema.topic.Topic;
import io.vmledger.tools.kafka.TopicReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Finds a device's newest complete snapshot taken at or before a time, by one scan of the snapshots
 * partition holding the device. Only the snapshot keys and record timestamps (event time in ms) of
 * other snapshots are looked at; a value is decoded only when its key names a newer snapshot of the
 * device whose millisecond is not after the time.
 *
 * <p>"Newest at or before T" is the highest seq whose event time is ≤ T; with a device's event
 * times non-decreasing in seq order (as devices produce them) that snapshot is inside the trace cut
 * at T.
 */
final class SnapshotFinder {
    private SnapshotFinder() {}

    /**
     * The parts of the snapshot, in part order, or empty if the device has none at or before {@code
     * asOf} (µs).
     */
    static Optional<List<Snapshot>> latest(
            String bootstrap, Topic<SnapshotKey, Snapshot> topic, String device, long asOf) {
        return latest(bootstrap, topic, device, asOf, -1L);
    }

    /**
     * As {@link #latest(String, Topic, String, long)}, among the snapshots whose seq is at most
     * {@code maxSeq} (unsigned; -1 for no bound).
     */
    static Optional<List<Snapshot>> latest(
            String bootstrap,
            Topic<SnapshotKey, Snapshot> topic,
            String device,
            long asOf,
            long maxSeq) {
        long asOfMs = Math.floorDiv(asOf, 1000);
        Candidate complete = null;
        Candidate current = null;
        try (TopicReader<SnapshotKey, Snapshot> cursor =
                TopicReader.partitionOf(bootstrap, topic, device)) {
            for (ConsumerRecord<byte[], byte[]> r = cursor.next(); r != null; r = cursor.next()) {
                if (r.value() == null || r.timestamp() > asOfMs) {
                    continue;
                }
                SnapshotKey key = keyOf(topic, r);
                if (key == null || !key.device().equals(device)) {
                    continue;
                }
                long seq = key.seq();
                if (Long.compareUnsigned(seq, maxSeq) > 0) {
                    continue;
                }
                if (current != null && Long.compareUnsigned(seq, current.seq) < 0) {
                    continue;
                }
                Snapshot s = cursor.value(r);
                if (s.getTs() > asOf) {
                    continue;
                }
                if (current == null || seq != current.seq) {
                    current = new Candidate(seq, s.getParts());
                }
                current.parts.put(s.getPart(), s);
                if (current.parts.size() == current.count) {
                    complete = current;
                }
            }
        }
        return complete == null
                ? Optional.empty()
                : Optional.of(new ArrayList<>(complete.parts.values()));
    }

    /** The record's snapshot key, or null if it has none or its key is not one. */
    private static SnapshotKey keyOf(
            Topic<SnapshotKey, Snapshot> topic, ConsumerRecord<byte[], byte[]> r) {
        try {
            return topic.deserializeKey(r.key());
        } catch (SerializationException notASnapshotKey) {
            return null;
        }
    }

    /** A snapshot being gathered: its seq, part count and the parts seen. */
    private static final class Candidate {
        final long seq;
        final int count;
        final TreeMap<Integer, Snapshot> parts = new TreeMap<>();

        Candidate(long seq, int count) {
            this.seq = seq;
            this.count = count;
        }
    }
}
