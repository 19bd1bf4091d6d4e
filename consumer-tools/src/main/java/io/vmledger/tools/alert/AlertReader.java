package io.vmledger.tools.alert;

import io.vmledger.schema.Alert;
import io.vmledger.schema.wire.Wire;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the alerts topic from its beginning, committed records only (read_committed), without a
 * consumer group: to the end offsets it finds at start, or on and on when following. A value
 * that is not an Alert is reported to the caller, never skipped silently.
 */
public final class AlertReader implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);

    /** Receives what the reader finds. */
    public interface Sink {
        /** One alert, in partition order. */
        void alert(Alert a);

        /** A record that could not be decoded as an alert. */
        void unreadable(int partition, long offset, String reason);
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions = new ArrayList<>();

    /** A reader of {@code topic} on {@code bootstrap}; fails if the topic does not exist. */
    public AlertReader(String bootstrap, String topic) {
        Objects.requireNonNull(topic, "topic");
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
        if (infos == null || infos.isEmpty()) {
            consumer.close();
            throw new IllegalArgumentException("topic " + topic + " does not exist (has the engine run?)");
        }
        for (PartitionInfo p : infos) {
            partitions.add(new TopicPartition(topic, p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /**
     * Reads every alert to the end (or, with {@code follow}, until {@link #close} from another
     * thread) and passes each to {@code sink}; returns the number of records read.
     */
    public long read(boolean follow, Sink sink) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long read = 0;
        try {
            while (follow || !reached(end)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    read++;
                    decode(r, sink::alert, reason -> sink.unreadable(r.partition(), r.offset(), reason));
                }
            }
        } catch (WakeupException stopped) {
            // close() was called: stop following
        }
        return read;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (TopicPartition p : partitions) {
            if (consumer.position(p) < end.get(p)) {
                return false;
            }
        }
        return true;
    }

    private static void decode(ConsumerRecord<byte[], byte[]> r, Consumer<Alert> ok, Consumer<String> bad) {
        if (r.value() == null) {
            bad.accept("no value");
            return;
        }
        try {
            ok.accept(Wire.alert(r.value()));
        } catch (IOException e) {
            bad.accept(e.getMessage());
        }
    }

    /** Stops a {@link #read} in progress (safe from another thread). */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
