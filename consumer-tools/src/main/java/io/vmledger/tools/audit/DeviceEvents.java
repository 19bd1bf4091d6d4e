package io.vmledger.tools.audit;

import io.vmledger.core.event.Event;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.topic.Topics;
import io.vmledger.schema.wire.EventAdmission;
import io.vmledger.tools.kafka.TopicReader;
import java.util.Arrays;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One device's events in an events-topic partition, or every device's events in the whole topic, in
 * order (per device): exactly the records the engine folds ({@link EventAdmission}), committed ones
 * only, up to the end the topic had when reading began. Other devices' records are passed over, and
 * records the engine dead-letters are passed over and counted.
 */
public final class DeviceEvents implements AutoCloseable {
    /**
     * An event as published, its domain form, and the record timestamp (ms) it was published with.
     */
    public record Published(VmEvent event, Event domain, long timestampMs, long offset) {}

    private final TopicReader<String, VmEvent> cursor;

    /** The serialized key of the device read, or null for every device. */
    private final byte[] key;

    /** Records the engine would dead-letter, skipped. */
    private long skipped;

    DeviceEvents(TopicReader<String, VmEvent> cursor, String device) {
        this.cursor = cursor;
        this.key = device == null ? null : cursor.topic().serializeKey(device);
    }

    /** {@code device}'s events, from the start of its partition of {@code topics}' events topic. */
    public static DeviceEvents of(String bootstrap, Topics topics, String device) {
        return new DeviceEvents(
                TopicReader.partitionOf(bootstrap, topics.events(), device), device);
    }

    /** Every device's events, from the start of every partition of the events topic. */
    public static DeviceEvents fleet(String bootstrap, Topics topics) {
        return new DeviceEvents(TopicReader.all(bootstrap, topics.events()), null);
    }

    /** Goes on from {@code offset} of the partition read (a one-device reader). */
    void seek(long offset) {
        cursor.seek(offset);
    }

    /** The next event, or null at the end. */
    public Published next() {
        for (ConsumerRecord<byte[], byte[]> r = cursor.next(); r != null; r = cursor.next()) {
            if (key != null && !Arrays.equals(key, r.key())) {
                continue;
            }
            EventAdmission.Verdict v = EventAdmission.of(r.key(), r.value());
            if (!v.admitted()) {
                skipped++;
                continue;
            }
            return new Published(v.wire(), v.domain(), r.timestamp(), r.offset());
        }
        return null;
    }

    /**
     * Records that are not an event of their key's device (dead-lettered by the engine), so far.
     */
    public long skipped() {
        return skipped;
    }

    @Override
    public void close() {
        cursor.close();
    }
}
