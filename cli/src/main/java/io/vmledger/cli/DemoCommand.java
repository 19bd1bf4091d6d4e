package io.vmledger.cli;

import io.vmledger.broker.EmbeddedKafkaBroker;
import io.vmledger.core.alert.AlertThresholds;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.state.BoRecord;
import io.vmledger.engine.EngineConfig;
import io.vmledger.engine.VmledgerEngine;
import io.vmledger.producer.kafka.EventPublisher;
import io.vmledger.producer.sim.FleetRun;
import io.vmledger.producer.sim.SimConfig;
import io.vmledger.schema.Alert;
import io.vmledger.schema.Coredump;
import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.Severity;
import io.vmledger.schema.topic.Topic;
import io.vmledger.schema.topic.Topics;
import io.vmledger.tools.alert.AlertFormat;
import io.vmledger.tools.coredump.CoredumpDirectory;
import io.vmledger.tools.kafka.TopicReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vmledger demo}: the whole pipeline in one process on the embedded broker — engine,
 * simulated fleet, devcoredump writer and alert reporter — with a live summary and a final report;
 * {@code --serve} keeps the query server up afterwards.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run the whole pipeline in one process, with a simulated fleet, and report what it found.",
            "An embedded Kafka broker, the engine, a simulated fleet with injected leaks and faults, the"
                    + " devcoredump writer and the alert reporter run together. It shows a live summary, then a"
                    + " report with the paths of what was written (DATA-DIR/coredumps, DATA-DIR/alerts.jsonl,"
                    + " DATA-DIR/truth.jsonl).",
            "Other commands attach to the broker meanwhile ('vmledger alerts --follow',"
                    + " 'vmledger audit --device dev-00000 ...', curl on --http).",
            "Exit status: 0 on success, 1 when the pipeline failed, 2 for bad arguments, a data directory in"
                    + " use or a port in use."
        })
public final class DemoCommand implements Callable<Integer> {
    /** The file that marks a directory as a demo's, so the next demo may empty it. */
    static final String MARKER = ".vmledger-demo";

    private static final long STATE_SAMPLE_MS = 5_000;
    private static final Duration DRAIN_WAIT = Duration.ofMinutes(5);
    private static final int DUMPS_LISTED = 10;

    @Option(
            names = "--devices",
            paramLabel = "N",
            defaultValue = "50",
            description = "Simulated devices (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(
            names = "--duration",
            paramLabel = "TIME",
            defaultValue = "3m",
            description =
                    "How long the fleet runs, wall clock (e.g. 90s, 3m; default: ${DEFAULT-VALUE}). Leak alerts need"
                            + " some device time: at the default rate, runs under about 90s may end before any is raised.")
    String duration;

    @Option(
            names = "--rate",
            paramLabel = "EVENTS_PER_S",
            defaultValue = "2000",
            description =
                    "Fleet events per second (default: ${DEFAULT-VALUE}; the engine folds several times that on"
                            + " 2 cores, so it keeps up beside the simulator, writer and reporter in the same process).")
    double rate;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "1",
            description = "Fleet seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--bug-rate",
            paramLabel = "P",
            defaultValue = "0.1",
            description =
                    "Probability that a device carries each injectable leak (default: ${DEFAULT-VALUE}).")
    double bugRate;

    @Option(
            names = "--alert-after",
            paramLabel = "TIME",
            defaultValue = "5s",
            description =
                    "Device time a leak must last before it is alerted (default: ${DEFAULT-VALUE}; "
                            + "short, since a demo device lives for a minute or two of device time).")
    String alertAfter;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            defaultValue = "vmledger-demo",
            description =
                    "Where broker data, state, coredumps and alerts go (default: ${DEFAULT-VALUE}; emptied at start;"
                            + " locked while the demo runs, so a second demo refuses it).")
    Path dataDir;

    @Option(
            names = "--broker-port",
            paramLabel = "PORT",
            defaultValue = "9092",
            description =
                    "Port of the embedded broker, so other commands can attach (default: ${DEFAULT-VALUE}; 0 = any).")
    int brokerPort;

    @Option(
            names = "--http",
            paramLabel = "HOST:PORT",
            defaultValue = "127.0.0.1:8080",
            description = "Query server (default: ${DEFAULT-VALUE}).")
    String http;

    @Option(
            names = "--serve",
            description =
                    "Keep the broker, engine and query server up after the report until Ctrl-C.")
    boolean serve;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        long durationMicros;
        long alertAfterMicros;
        DataDirLock lock;
        try {
            durationMicros = Durations.micros(duration, "--duration");
            alertAfterMicros = Durations.micros(alertAfter, "--alert-after");
            validate();
            refuseForeign(dataDir);
            lock = DataDirLock.acquire(dataDir);
        } catch (IllegalArgumentException | IOException e) {
            err.println("vmledger demo: " + e.getMessage());
            return 2;
        }
        try (lock) {
            String problem = Addresses.brokerPortProblem(brokerPort);
            if (problem == null) {
                problem = HttpAddress.parse(http).unbindable(1);
            }
            if (problem == null) {
                problem = empty(dataDir, lock);
            }
            if (problem != null) {
                err.println("vmledger demo: " + problem);
                return 2;
            }
            return run(err, durationMicros, alertAfterMicros);
        }
    }

    /** Runs the pipeline in the prepared data directory: broker, engine, readers, fleet, report. */
    private int run(PrintWriter err, long durationMicros, long alertAfterMicros) throws Exception {
        StopSignal stop = new StopSignal("demo", Duration.ofSeconds(60));
        DemoStats stats = new DemoStats();
        List<Runnable> closers = new ArrayList<>();
        try {
            err.println(
                    "vmledger demo: starting the embedded Kafka broker and the engine in "
                            + dataDir
                            + " ...");
            err.flush();
            EmbeddedKafkaBroker broker =
                    EmbeddedKafkaBroker.start(dataDir.resolve("broker"), brokerPort);
            closers.add(broker::close);
            String servers = broker.bootstrapServers();
            HttpAddress address = HttpAddress.parse(http);
            EngineConfig config =
                    EngineConfig.defaults(servers, dataDir.resolve("state"))
                            .withHttp(address.host(), address.port())
                            .withAlerts(AlertThresholds.DEFAULT.withAfter(alertAfterMicros));
            VmledgerEngine engine = VmledgerEngine.start(config);
            closers.add(0, engine::close);
            engine.failure()
                    .thenAccept(
                            reason -> {
                                synchronized (err) {
                                    err.println(
                                            "vmledger demo: stopped: the engine failed: " + reason);
                                    err.flush();
                                }
                                stop.request();
                            });
            if (!engine.awaitRunning(Duration.ofMinutes(5))) {
                err.println(
                        "vmledger demo: the engine did not start (state "
                                + engine.streams().state()
                                + ")");
                return 1;
            }
            Topics topics = config.topics();
            String queries = "http://" + engine.http().host() + ":" + engine.http().port();
            err.println(
                    "vmledger demo: broker at " + servers + ", queries at " + queries + "/devices");
            err.flush();

            CoredumpDirectory dumps = new CoredumpDirectory(dataDir.resolve("coredumps"));
            List<Path> written = Collections.synchronizedList(new ArrayList<>());
            BufferedWriter alertLog =
                    Files.newBufferedWriter(
                            dataDir.resolve("alerts.jsonl"), StandardCharsets.UTF_8);
            closers.add(() -> closeQuietly(alertLog));
            List<TopicReader<?, ?>> readers =
                    List.of(
                            follow(
                                    servers,
                                    topics.ledger(),
                                    closers,
                                    stats,
                                    (LedgerEntry e) -> stats.outcome(e.getStatus().toString())),
                            follow(
                                    servers,
                                    topics.coredumps(),
                                    closers,
                                    stats,
                                    (Coredump c) -> {
                                        written.add(dumps.write(c));
                                        stats.coredumps.increment();
                                    }),
                            follow(
                                    servers,
                                    topics.alerts(),
                                    closers,
                                    stats,
                                    (Alert a) -> {
                                        stats.alert(
                                                a.getRule(), a.getSeverity() == Severity.warning);
                                        synchronized (alertLog) {
                                            alertLog.write(AlertFormat.json(a));
                                            alertLog.newLine();
                                            alertLog.flush();
                                        }
                                    }));

            SimConfig fleet =
                    new SimConfig(
                            devices,
                            Math.round(rate * durationMicros / 1e6),
                            0,
                            seed,
                            SimConfig.DEFAULT_START,
                            bugRate,
                            0);
            DemoScreen screen =
                    new DemoScreen(
                            System.err,
                            System.console() != null,
                            "vmledger demo: "
                                    + devices
                                    + " devices, "
                                    + duration
                                    + " at "
                                    + (long) rate
                                    + " events/s");
            FleetRun.Result run;
            try (EventPublisher publisher = new EventPublisher(servers, topics.events(), Map.of());
                    BufferedWriter truth =
                            Files.newBufferedWriter(
                                    dataDir.resolve("truth.jsonl"), StandardCharsets.UTF_8)) {
                Thread sampler = sampler(engine, fleet, stats, screen, stop);
                run =
                        new FleetRun(fleet, rate, durationMicros * 1000)
                                .run(
                                        e -> {
                                            publisher.send(e);
                                            stats.sent(e.getTs());
                                        },
                                        label -> {
                                            writeLine(truth, label.toJson());
                                            stats.injectedBugs.increment();
                                        },
                                        n -> {},
                                        stop::requested);
                publisher.flush();
                drain(stats, stop, screen);
                sampler.interrupt();
                sampler.join();
            }
            sample(engine, fleet, stats);
            for (TopicReader<?, ?> r : readers) {
                r.wakeup();
            }
            report(err, stats, run, written, queries, alertAfterMicros);
            if (serve && !stop.requested()) {
                err.println(
                        "vmledger demo: serving queries at "
                                + queries
                                + "/devices and Kafka at "
                                + servers
                                + "; Ctrl-C stops");
                err.flush();
                stop.await();
            }
            return stats.unreadable.sum() == 0 && !engine.failure().isDone() ? 0 : 1;
        } finally {
            for (Runnable c : closers) {
                c.run();
            }
            stop.close();
        }
    }

    private void validate() {
        if (devices < 1) {
            throw new IllegalArgumentException("--devices must be >= 1");
        }
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("--rate must be > 0");
        }
        if (!(bugRate >= 0 && bugRate <= 1)) {
            throw new IllegalArgumentException("--bug-rate must be in 0..1");
        }
        HttpAddress.parse(http);
    }

    /**
     * Refuses a non-empty directory that is not an earlier demo's (recognised by its marker file),
     * touching nothing.
     */
    private static void refuseForeign(Path dir) throws IOException {
        if (Files.isDirectory(dir) && !Files.exists(dir.resolve(MARKER))) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new IOException(
                            dir
                                    + " is not empty and not a vmledger demo directory; choose another --data-dir");
                }
            }
        }
    }

    /**
     * Empties the locked data directory of an earlier demo so every run starts from nothing,
     * keeping the lock; the marker is written first, so a directory left half emptied is still
     * recognised as a demo's. Null when done, else why not.
     */
    private static String empty(Path dir, DataDirLock lock) {
        Path marker = dir.resolve(MARKER);
        try {
            Files.writeString(marker, "vmledger demo data; emptied by the next 'vmledger demo'\n");
            List<Path> deepestFirst;
            try (Stream<Path> walk = Files.walk(dir)) {
                deepestFirst = walk.sorted(Comparator.reverseOrder()).toList();
            }
            for (Path p : deepestFirst) {
                if (!p.equals(dir) && !p.equals(marker) && !p.equals(lock.file())) {
                    Files.delete(p);
                }
            }
            return null;
        } catch (IOException | UncheckedIOException e) {
            return "cannot empty " + dir + ": " + PathCheck.reason(e);
        }
    }

    /** What the demo does with each decoded record of a topic. */
    @FunctionalInterface
    private interface Use<T> {
        void accept(T value) throws IOException;
    }

    /**
     * A reader following {@code topic} from the beginning on its own thread, decoding each record
     * with the topic's serde; a record that does not decode, or a reader that fails, is reported on
     * stderr and counted, never silently dropped.
     */
    private static <T> TopicReader<String, T> follow(
            String servers,
            Topic<String, T> topic,
            List<Runnable> closers,
            DemoStats stats,
            Use<T> use) {
        TopicReader<String, T> reader = TopicReader.all(servers, topic);
        String name = topic.name();
        Thread t =
                new Thread(
                        () -> {
                            try {
                                reader.read(
                                        true,
                                        new TopicReader.Handler<>() {
                                            @Override
                                            public void record(
                                                    T value, ConsumerRecord<byte[], byte[]> raw)
                                                    throws IOException {
                                                use.accept(value);
                                            }

                                            @Override
                                            public void unreadable(
                                                    ConsumerRecord<byte[], byte[]> raw,
                                                    String reason) {
                                                stats.unreadable.increment();
                                                System.err.println(
                                                        "vmledger demo: "
                                                                + name
                                                                + "-"
                                                                + raw.partition()
                                                                + "@"
                                                                + raw.offset()
                                                                + " unreadable: "
                                                                + reason);
                                            }
                                        });
                            } catch (IOException | RuntimeException e) {
                                stats.unreadable.increment();
                                System.err.println(
                                        "vmledger demo: reading "
                                                + name
                                                + " failed: "
                                                + e.getMessage());
                            } finally {
                                reader.close();
                            }
                        },
                        "vmledger-demo-" + name);
        t.setDaemon(true);
        t.start();
        closers.add(
                0,
                () -> {
                    reader.wakeup();
                    join(t);
                });
        return reader;
    }

    /** Refreshes the state numbers every few seconds and the screen every second. */
    private static Thread sampler(
            VmledgerEngine engine,
            SimConfig fleet,
            DemoStats stats,
            DemoScreen screen,
            StopSignal stop) {
        Thread t =
                new Thread(
                        () -> {
                            long nextSample = 0;
                            try {
                                while (!stop.requested()) {
                                    if (System.currentTimeMillis() >= nextSample) {
                                        sample(engine, fleet, stats);
                                        nextSample = System.currentTimeMillis() + STATE_SAMPLE_MS;
                                    }
                                    screen.show(stats, "running");
                                    Thread.sleep(1000);
                                }
                            } catch (InterruptedException e) {
                                // the fleet is done
                            }
                        },
                        "vmledger-demo-screen");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Counts devices, VAs and live BOs over the engine's stores. */
    private static void sample(VmledgerEngine engine, SimConfig fleet, DemoStats stats) {
        long devicesSeen = 0;
        long vas = 0;
        long bos = 0;
        for (String device : fleet.deviceNames()) {
            try {
                DeviceQueries q = engine.deviceQueries(device).orElse(null);
                if (q == null || q.device() == null) {
                    continue;
                }
                devicesSeen++;
                for (var vm : q.vmsWithoutVas()) {
                    vas += q.vas(vm.vm().vm(), 0, -1).size();
                }
                bos += q.bos().stream().filter(BoRecord::alive).count();
            } catch (RuntimeException rebalancing) {
                // a store is briefly unavailable; the next sample counts it
            }
        }
        stats.devices.set(devicesSeen);
        stats.vas.set(vas);
        stats.bos.set(bos);
    }

    /** Waits until the engine has folded every sent event (or Ctrl-C, or a long while). */
    private static void drain(DemoStats stats, StopSignal stop, DemoScreen screen)
            throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN_WAIT.toNanos();
        while (stats.folded.sum() < stats.sent.sum()
                && !stop.requested()
                && System.nanoTime() < deadline) {
            screen.show(stats, "engine catching up");
            Thread.sleep(1000);
        }
        Thread.sleep(2000);
        screen.show(stats, "done");
    }

    private void report(
            PrintWriter err,
            DemoStats s,
            FleetRun.Result run,
            List<Path> dumps,
            String queries,
            long alertAfterMicros) {
        err.println();
        err.printf("vmledger demo: report (%.0f s of fleet traffic)%n", run.seconds());
        err.printf(
                "  events      %,d sent, %,d folded: %,d ok, %,d error, %,d duplicate%n",
                s.sent.sum(),
                s.folded.sum(),
                s.outcomes("ok"),
                s.outcomes("error"),
                s.outcomes("duplicate"));
        err.printf(
                "  engine      %,.0f events/s folded (first to last ledger entry; the fleet was paced at %,.0f/s)%n",
                s.foldRate(), rate);
        err.printf(
                "  state       %,d devices, %,d VAs, %,d live BOs (queries: %s/devices)%n",
                s.devices.get(), s.vas.get(), s.bos.get(), queries);
        StringBuilder bugs = new StringBuilder();
        run.labels()
                .forEach(
                        (k, v) ->
                                bugs.append(bugs.isEmpty() ? "" : ", ")
                                        .append(k.label())
                                        .append(' ')
                                        .append(v));
        err.println(
                "  injected    "
                        + (bugs.isEmpty() ? "none" : bugs)
                        + " (ground truth: "
                        + dataDir.resolve("truth.jsonl")
                        + ")");
        err.println("  warnings    " + DemoStats.counts(s.warningAlerts));
        err.println(
                "  info        "
                        + DemoStats.counts(s.infoAlerts)
                        + " (all alerts: "
                        + dataDir.resolve("alerts.jsonl")
                        + "; 'vmledger alerts' prints them as a table)");
        String shortRun = shortRunNote(s.deviceTimeMicros(), alertAfterMicros);
        if (shortRun != null) {
            err.println(shortRun);
        }
        err.printf(
                "  coredumps   %,d written to %s%n",
                s.coredumps.sum(), dataDir.resolve("coredumps"));
        if (s.unreadable.sum() > 0) {
            err.printf(
                    "  unreadable  %,d records of the output topics could not be read (see above)%n",
                    s.unreadable.sum());
        }
        List<Path> listed;
        synchronized (dumps) {
            listed = dumps.stream().sorted().limit(DUMPS_LISTED).toList();
        }
        for (Path p : listed) {
            err.println("              " + p);
        }
        if (dumps.size() > DUMPS_LISTED) {
            err.println("              ... and " + (dumps.size() - DUMPS_LISTED) + " more");
        }
        err.flush();
    }

    /**
     * The report's note when the fleet spanned less device time than {@code --alert-after}: no
     * lifetime (leak) alert can have been raised then; null when it spanned enough.
     */
    static String shortRunNote(long deviceMicros, long alertAfterMicros) {
        if (deviceMicros >= alertAfterMicros) {
            return null;
        }
        return String.format(
                Locale.ROOT,
                "  note        the fleet ran %.1f s of device time; leak alerts need at least"
                        + " --alert-after (%.1f s) of it: run longer (--duration), faster (--rate) or lower --alert-after",
                deviceMicros / 1e6,
                alertAfterMicros / 1e6);
    }

    private static void writeLine(BufferedWriter w, String line) {
        try {
            w.write(line);
            w.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(BufferedWriter w) {
        try {
            w.close();
        } catch (IOException e) {
            // nothing more to write
        }
    }

    private static void join(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
