package io.vmledger.engine.query;

import io.vmledger.schema.topic.Topic;
import io.vmledger.tools.kafka.TopicReader;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The newest rows of an output topic (alerts, coredumps) for the web UI, kept in memory and brought
 * up to date on each read by reading only the committed records appended since the last one: a page
 * that polls every few seconds costs what the engine wrote meanwhile, not the whole topic. Keeps
 * the newest {@code keep} rows overall and per device, oldest first; records that do not decode
 * (not the engine's) are passed over.
 */
final class OutputTail<V> {
    private final String bootstrap;
    private final Topic<String, V> topic;
    private final Function<V, String> device;
    private final Function<V, String> row;
    private final int keep;

    /** Per partition, the offset after the last record read. */
    private final Map<Integer, Long> next = new HashMap<>();

    private final Deque<String> all = new ArrayDeque<>();
    private final Map<String, Deque<String>> byDevice = new HashMap<>();

    /**
     * @param device the device a record belongs to
     * @param row a record as the JSON row the UI shows
     */
    OutputTail(
            String bootstrap,
            Topic<String, V> topic,
            Function<V, String> device,
            Function<V, String> row,
            int keep) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.device = device;
        this.row = row;
        this.keep = keep;
    }

    /** The newest rows of {@code device} (every device's if null), oldest first. */
    synchronized List<String> rows(String device) {
        catchUp();
        Deque<String> rows = device == null ? all : byDevice.get(device);
        return rows == null ? List.of() : List.copyOf(rows);
    }

    private void catchUp() {
        try (TopicReader<String, V> r = TopicReader.all(bootstrap, topic).resume(next)) {
            for (ConsumerRecord<byte[], byte[]> rec = r.next(); rec != null; rec = r.next()) {
                next.put(rec.partition(), rec.offset() + 1);
                V v;
                try {
                    v = r.value(rec);
                } catch (RuntimeException undecodable) {
                    continue;
                }
                String text = row.apply(v);
                add(all, text);
                add(byDevice.computeIfAbsent(device.apply(v), d -> new ArrayDeque<>()), text);
            }
        }
    }

    private void add(Deque<String> rows, String text) {
        rows.addLast(text);
        if (rows.size() > keep) {
            rows.removeFirst();
        }
    }
}
