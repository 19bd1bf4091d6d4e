package io.vmledger.producer.feed;

import io.vmledger.producer.kafka.EventPublisher;
import io.vmledger.producer.trace.TraceLine;
import io.vmledger.producer.trace.TraceReader;
import io.vmledger.schema.VmEvent;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Replays trace files to the events topic: every file on its own thread through one shared
 * idempotent publisher (one file per device, or files mixing devices), optionally paced by the
 * traces' own event times and resumed from a {@link Checkpoint}. Unreadable lines are reported and
 * not sent. Counts events and bytes read as it goes so a caller can show progress.
 *
 * <p>A device's events must all be in one file: files are read concurrently, so a device split
 * across files would reach Kafka out of seq order (the engine would then report the late ones as
 * duplicates). Such a device is reported once as a warning.
 */
public final class TraceFeed {
    /**
     * What replaying one file gave: events sent, skipped as already sent, unreadable lines, or why
     * it stopped.
     */
    public record FileResult(String file, long sent, long skipped, long bad, String error) {}

    /** Receives the unreadable lines of a file (from several threads). */
    @FunctionalInterface
    public interface BadLines {
        void report(String file, TraceLine.Bad bad);
    }

    private final EventPublisher publisher;
    private final double speed;
    private final Checkpoint checkpoint;
    private final BadLines badLines;
    private final Consumer<String> warnings;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private final Map<String, String> fileOfDevice = new ConcurrentHashMap<>();
    private final Set<String> devicesInSeveralFiles = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private volatile ExecutorService pool;
    private volatile long totalBytes;
    private Pacer pacer;

    /**
     * @param speed trace seconds per wall second; 0 sends unpaced
     * @param checkpoint where acknowledged seqs are kept, or null for none
     */
    public TraceFeed(
            EventPublisher publisher,
            double speed,
            Checkpoint checkpoint,
            BadLines badLines,
            Consumer<String> warnings) {
        this.publisher = publisher;
        this.speed = speed;
        this.checkpoint = checkpoint;
        this.badLines = badLines;
        this.warnings = warnings;
    }

    /**
     * Replays every file ({@code "-"} is standard input) concurrently and waits until all are read
     * and acknowledged, or until {@link #stop()}.
     */
    public List<FileResult> feed(List<String> files) throws InterruptedException {
        totalBytes = sizeOf(files);
        pacer =
                speed == 0
                        ? Pacer.UNPACED
                        : Pacer.start(speed, firstTime(files), Pacer.Sleeper.SYSTEM);
        pool = Executors.newFixedThreadPool(Math.max(1, Math.min(files.size(), 16)));
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
                    out.add(new FileResult(e.getKey(), 0, 0, 0, ex.getCause().getMessage()));
                }
            }
            publisher.flush();
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Asks the feeding threads to stop after their current event (for Ctrl-C); threads waiting for
     * an event's time or reading standard input are interrupted.
     */
    public void stop() {
        stopping = true;
        ExecutorService p = pool;
        if (p != null) {
            p.shutdownNow();
        }
    }

    /** Events read so far (sent, skipped or being sent). */
    public long eventsRead() {
        return events.get();
    }

    /**
     * The part of the input read so far, 0..1; NaN when the input's size is unknown (standard input
     * only).
     */
    public double fraction() {
        long total = totalBytes;
        return total <= 0 ? Double.NaN : Math.min(1.0, (double) bytesRead.get() / total);
    }

    private FileResult feedOne(String file) {
        long sent = 0;
        long skipped = 0;
        long bad = 0;
        try (TraceReader reader = new TraceReader(open(file))) {
            while (!stopping && reader.hasNext()) {
                TraceLine line = reader.next();
                if (!(line instanceof TraceLine.Parsed p)) {
                    bad++;
                    badLines.report(file, (TraceLine.Bad) line);
                    continue;
                }
                VmEvent e = p.event();
                events.incrementAndGet();
                noteDevice(e.getDevice(), file);
                if (checkpoint != null && checkpoint.alreadySent(e.getDevice(), e.getSeq())) {
                    skipped++;
                    continue;
                }
                pacer.await(e.getTs());
                publisher.send(e);
                sent++;
            }
            return new FileResult(file, sent, skipped, bad, stopping ? "stopped" : null);
        } catch (IOException | UncheckedIOException e) {
            return new FileResult(file, sent, skipped, bad, "cannot read: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new FileResult(file, sent, skipped, bad, "interrupted");
        } catch (RuntimeException e) {
            return new FileResult(file, sent, skipped, bad, e.getMessage());
        }
    }

    private void noteDevice(String device, String file) {
        String first = fileOfDevice.putIfAbsent(device, file);
        if (first != null && !first.equals(file) && devicesInSeveralFiles.add(device)) {
            warnings.accept(
                    "device "
                            + device
                            + " appears in "
                            + first
                            + " and "
                            + file
                            + ": files are sent concurrently, so its events may arrive out of seq order");
        }
    }

    private BufferedReader open(String file) throws IOException {
        InputStream raw =
                "-".equals(file)
                        ? System.in
                        : new Counting(Files.newInputStream(Path.of(file)), bytesRead);
        return new BufferedReader(
                new InputStreamReader(raw, StandardCharsets.UTF_8), TraceReader.BUFFER_SIZE);
    }

    private static long sizeOf(List<String> files) {
        long total = 0;
        for (String f : files) {
            try {
                total += "-".equals(f) ? 0 : Files.size(Path.of(f));
            } catch (IOException e) {
                // reported when the file is read
            }
        }
        return total;
    }

    /**
     * The earliest event time at the start of the files (each file's first timed event), the
     * pacing's time zero. Standard input cannot be read twice, so it does not take part.
     */
    private static long firstTime(List<String> files) {
        long first = Long.MAX_VALUE;
        for (String f : files) {
            if ("-".equals(f)) {
                continue;
            }
            try (TraceReader r = new TraceReader(TraceReader.open(f))) {
                while (r.hasNext()) {
                    if (r.next() instanceof TraceLine.Parsed p && p.event().getTs() != null) {
                        first = Math.min(first, p.event().getTs());
                        break;
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                // reported when the file is read
            }
        }
        return first == Long.MAX_VALUE ? 0 : first;
    }

    /** Counts the bytes read through it into a shared counter. */
    private static final class Counting extends FilterInputStream {
        private final AtomicLong counter;

        Counting(InputStream in, AtomicLong counter) {
            super(in);
            this.counter = counter;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counter.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                counter.addAndGet(n);
            }
            return n;
        }
    }
}
