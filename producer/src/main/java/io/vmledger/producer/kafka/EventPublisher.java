package io.vmledger.producer.kafka;

import io.vmledger.schema.VmEvent;
import io.vmledger.schema.topic.Topic;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes JSON traces to the events topic as Avro single-object encoded {@link VmEvent}s (the
 * topic's serdes), keyed by device so each device's events stay in order on one partition. The
 * producer is idempotent with {@code acks=all}: a retried send never duplicates or reorders. One
 * publisher may be shared by several threads, each publishing its own file.
 *
 * <p>Record timestamps are event times (the event's {@code ts} in milliseconds; an event without
 * {@code ts} takes its device's previous time, 0 at first, as the fold does), so stream time in the
 * engine is the devices' time and {@code offsetsForTimes} finds events by when they happened.
 */
public final class EventPublisher implements AutoCloseable {
    private final KafkaProducer<String, VmEvent> producer;
    private final String topic;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Map<String, Long> lastMillis = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> acknowledged = new ConcurrentHashMap<>();
    private final AckListener ackListener;

    /**
     * Told of every event the broker acknowledged (on the producer's I/O thread: keep it quick).
     */
    @FunctionalInterface
    public interface AckListener {
        /** No-op listener. */
        AckListener NONE = (device, seq) -> {};

        /** The broker acknowledged event {@code seq} of {@code device}. */
        void acknowledged(String device, long seq);
    }

    /**
     * A publisher to {@code topic} on {@code bootstrap}; {@code overrides} are extra producer
     * settings.
     */
    public EventPublisher(
            String bootstrap, Topic<String, VmEvent> topic, Map<String, Object> overrides) {
        this(bootstrap, topic, overrides, AckListener.NONE);
    }

    /** A publisher that also tells {@code ackListener} of every acknowledged event. */
    public EventPublisher(
            String bootstrap,
            Topic<String, VmEvent> topic,
            Map<String, Object> overrides,
            AckListener ackListener) {
        this.ackListener = ackListener;
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
        this.producer =
                new KafkaProducer<>(
                        p, topic.keySerde().serializer(), topic.valueSerde().serializer());
        this.topic = topic.name();
    }

    /** Sends one event. */
    public void send(VmEvent e) {
        throwIfFailed();
        long millis =
                e.getTs() != null
                        ? Math.max(0, e.getTs() / 1000)
                        : lastMillis.getOrDefault(e.getDevice(), 0L);
        lastMillis.put(e.getDevice(), millis);
        producer.send(
                new ProducerRecord<>(topic, null, millis, e.getDevice(), e),
                (md, ex) -> {
                    if (ex != null) {
                        failure.compareAndSet(null, ex);
                    } else {
                        acknowledged
                                .computeIfAbsent(e.getDevice(), d -> new LongAdder())
                                .increment();
                        ackListener.acknowledged(e.getDevice(), e.getSeq());
                    }
                });
    }

    /** Events acknowledged by the broker so far, per device, in device order. */
    public SortedMap<String, Long> acknowledgedPerDevice() {
        SortedMap<String, Long> out = new TreeMap<>();
        acknowledged.forEach((d, n) -> out.put(d, n.sum()));
        return out;
    }

    /** Waits until everything sent so far is acknowledged; throws if any send failed. */
    public void flush() {
        producer.flush();
        throwIfFailed();
    }

    private void throwIfFailed() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException(
                    "cannot publish to " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
