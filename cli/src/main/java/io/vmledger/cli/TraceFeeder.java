package io.vmledger.cli;

import io.vmledger.producer.kafka.EventPublisher;
import io.vmledger.producer.trace.TraceReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes several trace files at once, one thread per file, through one shared idempotent
 * producer; reports unreadable lines on stderr (they are not sent) and counts what was sent.
 */
final class TraceFeeder {
    /** What publishing one file gave. */
    record FileResult(String file, long sent, long bad, String error) {
    }

    private final EventPublisher publisher;
    private final PrintWriter err;
    private final String command;

    TraceFeeder(EventPublisher publisher, PrintWriter err, String command) {
        this.publisher = publisher;
        this.err = err;
        this.command = command;
    }

    /** Publishes every file concurrently and waits until all are acknowledged. */
    List<FileResult> feed(List<String> files) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(files.size(), 16)));
        Map<String, Future<FileResult>> running = new LinkedHashMap<>();
        try {
            for (String f : files) {
                running.put(f, pool.submit(() -> feedOne(f)));
            }
            List<FileResult> out = new ArrayList<>();
            for (Map.Entry<String, Future<FileResult>> e : running.entrySet()) {
                try {
                    out.add(e.getValue().get());
                } catch (ExecutionException ex) {
                    out.add(new FileResult(e.getKey(), 0, 0, ex.getCause().getMessage()));
                }
            }
            publisher.flush();
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private FileResult feedOne(String file) {
        AtomicLong bad = new AtomicLong();
        try (BufferedReader in = TraceReader.open(file)) {
            long sent = publisher.publish(in, b -> {
                bad.incrementAndGet();
                synchronized (err) {
                    err.println(command + ": " + file + ":" + b.lineNo() + ": not sent: " + b.reason());
                    err.flush();
                }
            });
            return new FileResult(file, sent, bad.get(), null);
        } catch (IOException e) {
            return new FileResult(file, 0, bad.get(), "cannot read: " + e.getMessage());
        } catch (RuntimeException e) {
            return new FileResult(file, 0, bad.get(), e.getMessage());
        }
    }
}
