package io.vmledger.producer.kafka;

import io.vmledger.producer.trace.TraceLine;
import io.vmledger.producer.trace.TraceReader;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.wire.Wire;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes JSON traces to the events topic as Avro single-object encoded {@link VmEvent}s,
 * keyed by device so each device's events stay in order on one partition. The producer is
 * idempotent with {@code acks=all}: a retried send never duplicates or reorders. One publisher
 * may be shared by several threads, each publishing its own file.
 *
 * <p>Record timestamps are event times (the event's {@code ts} in milliseconds; an event without
 * {@code ts} takes its device's previous time, 0 at first, as the fold does), so stream time in
 * the engine is the devices' time and {@code offsetsForTimes} finds events by when they happened.
 */
public final class EventPublisher implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Map<String, Long> lastMillis = new ConcurrentHashMap<>();

    /** A publisher to {@code topic} on {@code bootstrap}; {@code overrides} are extra producer settings. */
    public EventPublisher(String bootstrap, String topic, Map<String, Object> overrides) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        p.putAll(overrides);
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    /** Sends one event. */
    public void send(VmEvent e) {
        throwIfFailed();
        long millis = e.getTs() != null
                ? Math.max(0, e.getTs() / 1000)
                : lastMillis.getOrDefault(e.getDevice(), 0L);
        lastMillis.put(e.getDevice(), millis);
        producer.send(new ProducerRecord<>(topic, null, millis, Wire.deviceKey(e.getDevice()), Wire.event(e)), (md, ex) -> {
            if (ex != null) {
                failure.compareAndSet(null, ex);
            }
        });
    }

    /**
     * Sends every readable line of a trace; unreadable lines are not sent but handed to
     * {@code badLines} (with their line number and reason).
     *
     * @return the number of events sent
     */
    public long publish(BufferedReader in, Consumer<TraceLine.Bad> badLines) throws IOException {
        long sent = 0;
        try (TraceReader reader = new TraceReader(in)) {
            while (reader.hasNext()) {
                TraceLine line = reader.next();
                if (line instanceof TraceLine.Parsed p) {
                    send(p.event());
                    sent++;
                } else {
                    badLines.accept((TraceLine.Bad) line);
                }
            }
        }
        return sent;
    }

    /** Waits until everything sent so far is acknowledged; throws if any send failed. */
    public void flush() {
        producer.flush();
        throwIfFailed();
    }

    private void throwIfFailed() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("cannot publish to " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
