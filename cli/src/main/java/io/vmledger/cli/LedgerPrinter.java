package io.vmledger.cli;

import io.vmledger.schema.json.LedgerJson;
import io.vmledger.schema.wire.Wire;
import io.vmledger.tools.kafka.TopicReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prints committed ledger entries as they appear (from the topic's end at start), one JSON line
 * each in the form {@code vmledger replay} prints.
 */
final class LedgerPrinter implements AutoCloseable {
    private final TopicReader reader;
    private final PrintWriter out;
    private final AtomicLong printed = new AtomicLong();
    private final StringBuilder line = new StringBuilder(512);
    private final Thread thread;

    LedgerPrinter(String bootstrap, String topic, PrintWriter out) {
        this.reader = TopicReader.all(bootstrap, topic).fromEnd();
        this.out = out;
        this.thread = new Thread(this::run, "vmledger-ledger-printer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Entries printed so far. */
    long printed() {
        return printed.get();
    }

    private void run() {
        try {
            reader.read(true, r -> {
                line.setLength(0);
                LedgerJson.write(Wire.ledger(r.value()), line);
                out.println(line);
                out.flush();
                printed.incrementAndGet();
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            out.flush();
            reader.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        reader.wakeup();
        thread.join(10_000);
    }
}
