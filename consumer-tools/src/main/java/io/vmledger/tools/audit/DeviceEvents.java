package io.vmledger.tools.audit;

import io.vmledger.core.event.Event;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.wire.EventAdmission;
import io.vmledger.tools.kafka.TopicReader;
import java.util.Arrays;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One device's events in an events-topic partition, in order: exactly the records the engine folds
 * for it ({@link EventAdmission}); other devices' records are passed over, and the device's records
 * the engine dead-letters are passed over and counted.
 */
final class DeviceEvents implements AutoCloseable {
    /**
     * An event as published, its domain form, and the record timestamp (ms) it was published with.
     */
    record Published(VmEvent event, Event domain, long timestampMs, long offset) {}

    private final TopicReader<String, VmEvent> cursor;
    private final String device;
    private final byte[] key;

    /** The device's records the engine would dead-letter, skipped. */
    private long skipped;

    DeviceEvents(TopicReader<String, VmEvent> cursor, String device) {
        this.cursor = cursor;
        this.device = device;
        this.key = cursor.topic().serializeKey(device);
    }

    /** The device's next event, or null at the end. */
    Published next() {
        for (ConsumerRecord<byte[], byte[]> r = cursor.next(); r != null; r = cursor.next()) {
            if (!Arrays.equals(key, r.key())) {
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
     * Records of the device that are not an event of it (dead-lettered by the engine), skipped so
     * far.
     */
    long skipped() {
        return skipped;
    }

    @Override
    public void close() {
        cursor.close();
    }
}
