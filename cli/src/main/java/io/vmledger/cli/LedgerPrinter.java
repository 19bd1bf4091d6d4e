package io.vmledger.cli;

import io.vmledger.schema.json.LedgerJson;
import io.vmledger.schema.wire.Wire;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Prints committed ledger entries as they appear (read_committed, from the topic's end at
 * start), one JSON line each in the form {@code vmledger replay} prints.
 */
final class LedgerPrinter implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final PrintWriter out;
    private final AtomicLong printed = new AtomicLong();
    private final Thread thread;

    LedgerPrinter(String bootstrap, String topic, PrintWriter out) {
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.out = out;
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(topic)) {
            parts.add(new TopicPartition(topic, p.partition()));
        }
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position);
        this.thread = new Thread(this::run, "vmledger-ledger-printer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Entries printed so far. */
    long printed() {
        return printed.get();
    }

    private void run() {
        StringBuilder line = new StringBuilder(512);
        try {
            while (true) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    line.setLength(0);
                    LedgerJson.write(Wire.ledger(r.value()), line);
                    out.println(line);
                    printed.incrementAndGet();
                }
                out.flush();
            }
        } catch (WakeupException e) {
            out.flush();
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join(10_000);
    }
}
