package io.vmledger.cli;

import io.vmledger.producer.feed.Checkpoint;
import io.vmledger.producer.feed.Pacer;
import io.vmledger.producer.feed.TraceFeed;
import io.vmledger.producer.kafka.EventPublisher;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.topic.Topic;
import io.vmledger.schema.topic.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vmledger produce}: replays JSON traces to the events topic as Avro events, keyed by device
 * — many files at once, optionally paced by the traces' own times, resumable from a checkpoint of
 * acknowledged seqs, with progress and a per-device count at the end.
 */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Replay JSON Lines traces to Kafka as Avro events (idempotent producer, acks=all, key = device).",
            "Files are sent concurrently (one per device, or files mixing devices; keep each device in one file).",
            "Unreadable lines are reported and not sent. Ctrl-C stops after the events in flight are acknowledged.",
            "Exit status: 0 when every line was sent, 1 when some were not, 2 for bad arguments, an unreadable"
                    + " file or no broker."
        })
public final class ProduceCommand implements Callable<Integer> {
    private static final long CHECKPOINT_PERIOD_MS = 2_000;
    private static final long MONITOR_PERIOD_MS = 250;

    @Option(
            names = {"-i", "--input"},
            required = true,
            paramLabel = "FILE",
            description =
                    "Trace file (JSON Lines); repeat for several files, '-' reads standard input.")
    List<String> inputs;

    @Mixin KafkaOptions kafka;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            defaultValue = "4",
            description =
                    "Partitions of the topics, should produce create them (default: ${DEFAULT-VALUE}; "
                            + "existing topics are used as they are).")
    int partitions;

    @Option(
            names = "--speed",
            paramLabel = "SPEED",
            defaultValue = "max",
            description =
                    "Pace by the traces' timestamps: 1x (as recorded), 10x, 0.5x ..., or max (unpaced; default).")
    String speed;

    @Option(
            names = "--checkpoint",
            paramLabel = "FILE",
            description =
                    "Keep each device's last acknowledged seq in FILE; events at or below it are skipped, "
                            + "so re-running the same command resumes an interrupted replay.")
    Path checkpointFile;

    @Option(
            names = "--compression",
            paramLabel = "CODEC",
            defaultValue = "lz4",
            description =
                    "Batch compression: lz4, zstd, gzip, snappy or none (default: ${DEFAULT-VALUE}).")
    String compression;

    @Option(
            names = {"-X", "--producer-property"},
            paramLabel = "KEY=VALUE",
            description =
                    "Any further Kafka producer setting, e.g. -X linger.ms=20 -X batch.size=262144.")
    Map<String, String> producerProperties = new LinkedHashMap<>();

    @Spec CommandSpec spec;

    @Override
    @SuppressWarnings("try") // the StopSignal is held open around the work, never read
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        double factor;
        Checkpoint checkpoint;
        try {
            factor = Pacer.parseSpeed(speed);
            if (partitions < 1) {
                throw new IllegalArgumentException("--partitions must be >= 1");
            }
            if (!List.of("lz4", "zstd", "gzip", "snappy", "none").contains(compression)) {
                throw new IllegalArgumentException(
                        "--compression must be lz4, zstd, gzip, snappy or none, got '"
                                + compression
                                + "'");
            }
            String files = PathCheck.readProblem(inputs);
            if (files == null && checkpointFile != null) {
                files = PathCheck.writeProblem(checkpointFile);
            }
            if (files != null) {
                throw new IllegalArgumentException(files);
            }
            checkpoint = checkpointFile == null ? null : Checkpoint.at(checkpointFile);
        } catch (IllegalArgumentException | IOException e) {
            err.println("vmledger produce: " + e.getMessage());
            return 2;
        }
        String problem = KafkaReach.problem(kafka.bootstrap);
        if (problem != null) {
            err.println("vmledger produce: " + problem);
            return 2;
        }
        Topics topics = kafka.topics(partitions);
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap))) {
            topics.ensure(admin);
        } catch (IllegalStateException e) {
            err.println("vmledger produce: " + e.getMessage());
            return 2;
        }
        Topic<String, VmEvent> events = topics.events();
        Map<String, Object> settings = new HashMap<>(producerProperties);
        settings.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        AtomicReference<TraceFeed> running = new AtomicReference<>();
        try (StopSignal stop =
                        new StopSignal(
                                "produce", () -> running.get().stop(), Duration.ofSeconds(30));
                EventPublisher publisher =
                        new EventPublisher(
                                kafka.bootstrap,
                                events,
                                settings,
                                checkpoint == null
                                        ? EventPublisher.AckListener.NONE
                                        : checkpoint::acknowledged)) {
            TraceFeed feed =
                    new TraceFeed(
                            publisher,
                            factor,
                            checkpoint,
                            (file, bad) ->
                                    say(
                                            err,
                                            file
                                                    + ":"
                                                    + bad.lineNo()
                                                    + ": not sent: "
                                                    + bad.reason()),
                            warning -> say(err, "warning: " + warning));
            running.set(feed);
            Thread monitor = monitor(feed, checkpoint, err);
            List<TraceFeed.FileResult> results;
            try {
                results = feed.feed(inputs);
            } finally {
                monitor.interrupt();
                monitor.join();
            }
            boolean complete =
                    report(err, results, publisher.acknowledgedPerDevice(), events.name());
            saveQuietly(checkpoint, err);
            return complete ? 0 : 1;
        } catch (IllegalStateException e) {
            saveQuietly(checkpoint, err);
            err.println("vmledger produce: " + e.getMessage());
            return 1;
        }
    }

    /** Shows progress and saves the checkpoint periodically until interrupted. */
    private static Thread monitor(TraceFeed feed, Checkpoint checkpoint, PrintWriter err) {
        Thread t =
                new Thread(
                        () -> {
                            Progress progress = Progress.forStderr("vmledger produce");
                            long nextSave = System.currentTimeMillis() + CHECKPOINT_PERIOD_MS;
                            try {
                                while (!Thread.currentThread().isInterrupted()) {
                                    Thread.sleep(MONITOR_PERIOD_MS);
                                    progress.update(feed.eventsRead(), feed.fraction());
                                    if (checkpoint != null
                                            && System.currentTimeMillis() >= nextSave) {
                                        saveQuietly(checkpoint, err);
                                        nextSave =
                                                System.currentTimeMillis() + CHECKPOINT_PERIOD_MS;
                                    }
                                }
                            } catch (InterruptedException e) {
                                // finished
                            } finally {
                                progress.done();
                            }
                        },
                        "vmledger-produce-progress");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Prints per-file results, per-device counts and the total; true when everything was sent. */
    private static boolean report(
            PrintWriter err,
            List<TraceFeed.FileResult> results,
            SortedMap<String, Long> perDevice,
            String topic) {
        boolean complete = true;
        long sent = 0;
        long skipped = 0;
        for (TraceFeed.FileResult r : results) {
            sent += r.sent();
            skipped += r.skipped();
            String counts =
                    r.sent()
                            + " events sent"
                            + (r.skipped() > 0
                                    ? ", " + r.skipped() + " already sent (checkpoint)"
                                    : "")
                            + (r.bad() > 0 ? ", " + r.bad() + " unreadable lines not sent" : "");
            say(err, r.file() + ": " + counts + (r.error() != null ? "; " + r.error() : ""));
            complete &= r.error() == null && r.bad() == 0;
        }
        say(
                err,
                "events acknowledged per device ("
                        + perDevice.size()
                        + (perDevice.size() == 1 ? " device):" : " devices):"));
        for (Map.Entry<String, Long> e : perDevice.entrySet()) {
            say(err, String.format("  %-24s %,d", e.getKey(), e.getValue()));
        }
        say(
                err,
                sent
                        + " events sent to "
                        + topic
                        + (skipped > 0 ? ", " + skipped + " skipped as already sent" : ""));
        return complete;
    }

    private static void say(PrintWriter err, String line) {
        synchronized (err) {
            err.println("vmledger produce: " + line);
            err.flush();
        }
    }

    private static void saveQuietly(Checkpoint checkpoint, PrintWriter err) {
        if (checkpoint == null) {
            return;
        }
        try {
            checkpoint.save();
        } catch (IOException e) {
            say(err, "cannot save checkpoint " + checkpoint.file() + ": " + e.getMessage());
        }
    }
}
