package io.vmledger.cli;

import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.json.LedgerJson;
import io.vmledger.schema.topic.Topic;
import io.vmledger.tools.kafka.TopicReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Prints committed ledger entries as they appear (from the topic's end at start), one JSON line
 * each in the form {@code vmledger replay} prints. A record that is not a ledger entry is reported
 * on stderr and counted as seen, so nobody waits for it.
 */
final class LedgerPrinter {
    private final TopicReader<String, LedgerEntry> reader;
    private final PrintWriter out;
    private final PrintWriter err;
    private final AtomicLong seen = new AtomicLong();
    private final StringBuilder line = new StringBuilder(512);
    private final Thread thread;

    LedgerPrinter(
            String bootstrap, Topic<String, LedgerEntry> topic, PrintWriter out, PrintWriter err) {
        this.reader = TopicReader.all(bootstrap, topic).fromEnd();
        this.out = out;
        this.err = err;
        this.thread = new Thread(this::run, "vmledger-ledger-printer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Ledger records read so far (printed or reported unreadable). */
    long seen() {
        return seen.get();
    }

    /** False once the reader has stopped (closed, or failed; the failure is on stderr). */
    boolean reading() {
        return thread.isAlive();
    }

    private void run() {
        try {
            reader.read(
                    true,
                    new TopicReader.Handler<>() {
                        @Override
                        public void record(LedgerEntry entry, ConsumerRecord<byte[], byte[]> raw) {
                            line.setLength(0);
                            LedgerJson.write(entry, line);
                            out.println(line);
                            out.flush();
                            seen.incrementAndGet();
                        }

                        @Override
                        public void unreadable(ConsumerRecord<byte[], byte[]> raw, String reason) {
                            err.println(
                                    "vmledger engine: ledger record "
                                            + raw.partition()
                                            + "@"
                                            + raw.offset()
                                            + " is not a ledger entry: "
                                            + reason);
                            seen.incrementAndGet();
                        }
                    });
        } catch (IOException | KafkaException e) {
            err.println("vmledger engine: reading the ledger failed: " + e.getMessage());
        } finally {
            out.flush();
            reader.close();
        }
    }

    /** Stops reading and waits (up to 10 s) for the reader thread to finish. */
    void close() throws InterruptedException {
        reader.wakeup();
        thread.join(10_000);
    }
}
