package io.vmledger.cli;

import io.vmledger.broker.EmbeddedKafkaBroker;
import io.vmledger.producer.kafka.EventPublisher;
import io.vmledger.producer.sim.BugKind;
import io.vmledger.producer.sim.FleetRun;
import io.vmledger.producer.sim.SimConfig;
import io.vmledger.producer.trace.TraceFileWriter;
import io.vmledger.schema.topic.Topics;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vmledger simulate}: a deterministic fleet of simulated devices ({@link FleetSim}) written
 * to a trace file (JSON Lines or Avro) or published to the events topic, with the ground truth of
 * the injected bugs and invalid ioctls beside it.
 */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Simulate a fleet of GPU devices (compositor with page flips, Vulkan apps on VM_BIND,"
                    + " GL apps on kernel-managed VMs, process exits, faults, hangs) and write its events,"
                    + " ordered by time, to a file or to Kafka. Same seed and options, same events.",
            "Every event is valid kernel behaviour except the injected invalid ioctls (--invalid-rate);"
                    + " injected bugs (--bug-rate) and invalid ioctls are listed, one JSON label per line, in"
                    + " the ground-truth file.",
            "Without --out the events go to Kafka: --bootstrap, else the broker already listening on"
                    + " 127.0.0.1:--broker-port (e.g. a running 'vmledger engine'), else an embedded broker"
                    + " started on it with its data in --data-dir/broker (the data dir is locked meanwhile).",
            "Exit status: 0 on success, 1 when publishing failed, 2 for bad arguments, an unwritable file,"
                    + " a data directory or port in use, or no broker."
        })
public final class SimulateCommand implements Callable<Integer> {
    private static final long DEFAULT_EVENTS = 100_000;

    @Option(
            names = "--devices",
            paramLabel = "N",
            defaultValue = "10",
            description = "Devices (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(
            names = "--events",
            paramLabel = "N",
            description =
                    "Stop after N events over the fleet; 0 = no limit (default: "
                            + DEFAULT_EVENTS
                            + ", or no limit with --duration).")
    Long events;

    @Option(
            names = "--duration",
            paramLabel = "TIME",
            description =
                    "Stop after TIME (e.g. 90s, 5m, 1h; plain number = seconds): simulated time without --rate,"
                            + " wall-clock time with --rate.")
    String duration;

    @Option(
            names = "--rate",
            paramLabel = "EVENTS_PER_S",
            defaultValue = "0",
            description =
                    "Pace the output at this many events per second of wall-clock time; 0 = as fast as"
                            + " possible (default). Event times stay simulated.")
    double rate;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "1",
            description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--start-time",
            paramLabel = "INSTANT",
            defaultValue = "2026-01-01T00:00:00Z",
            description =
                    "Simulated time of the first events, ISO-8601 (default: ${DEFAULT-VALUE}).")
    String startTime;

    @Option(
            names = "--bug-rate",
            paramLabel = "P",
            defaultValue = "0.05",
            description =
                    "Probability that a device carries each bug kind (handle_leak, pin_leak, vmap_leak,"
                            + " mapping_only_bo, pagetable_bloat), injected early in its run (default: ${DEFAULT-VALUE}).")
    double bugRate;

    @Option(
            names = "--invalid-rate",
            paramLabel = "P",
            defaultValue = "0",
            description =
                    "Probability that an application step also issues one invalid ioctl (default: ${DEFAULT-VALUE}).")
    double invalidRate;

    @Option(
            names = {"-o", "--out"},
            paramLabel = "FILE",
            description =
                    "Write the events to FILE: JSON Lines, or an Avro container file if FILE ends in .avro.")
    Path out;

    @Option(
            names = "--truth",
            paramLabel = "FILE",
            description =
                    "Ground-truth labels (JSON Lines); default: FILE's name with .truth.jsonl for --out,"
                            + " simulate-truth.jsonl for Kafka.")
    Path truth;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(
            names = "--broker-port",
            paramLabel = "PORT",
            defaultValue = "9092",
            description =
                    "Port of the local or embedded broker without --bootstrap; 0 starts an embedded broker on"
                            + " any free port (default: ${DEFAULT-VALUE}).")
    int brokerPort;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            defaultValue = "vmledger-data",
            description = "Embedded broker data lives in DIR/broker (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            defaultValue = Topics.PREFIX,
            description =
                    "Topic names start with PREFIX; events go to PREFIXevents (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            defaultValue = "4",
            description = "Partitions of topics that are created (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        String bad = validate();
        if (bad != null) {
            err.println("vmledger simulate: " + bad);
            return 2;
        }
        long durationMicros = duration == null ? 0 : Durations.micros(duration, "--duration");
        long limit = events != null ? events : duration == null ? DEFAULT_EVENTS : 0;
        SimConfig config =
                new SimConfig(
                        devices,
                        limit,
                        rate == 0 ? durationMicros : 0,
                        seed,
                        Instant.parse(startTime).toEpochMilli() * 1000,
                        bugRate,
                        invalidRate);
        long wallLimitNanos =
                rate > 0 && durationMicros > 0 ? durationMicros * 1000 : Long.MAX_VALUE;
        Path truthFile =
                truth != null
                        ? truth
                        : out != null ? truthBeside(out) : Path.of("simulate-truth.jsonl");
        String unwritable = out != null ? PathCheck.writeProblem(out) : null;
        if (unwritable == null) {
            unwritable = PathCheck.writeProblem(truthFile);
        }
        if (unwritable != null) {
            err.println("vmledger simulate: " + unwritable);
            return 2;
        }
        try (StopSignal stop = new StopSignal("simulate", Duration.ofSeconds(60))) {
            return out != null
                    ? toFile(config, wallLimitNanos, truthFile, err, stop)
                    : toKafka(config, wallLimitNanos, truthFile, err, stop);
        }
    }

    private int toFile(
            SimConfig config,
            long wallLimitNanos,
            Path truthFile,
            PrintWriter err,
            StopSignal stop) {
        FleetRun.Result run;
        try (TraceFileWriter w = TraceFileWriter.create(out);
                BufferedWriter labels =
                        Files.newBufferedWriter(truthFile, StandardCharsets.UTF_8)) {
            run = simulate(config, wallLimitNanos, w::write, labels, stop);
        } catch (IOException | UncheckedIOException e) {
            err.println("vmledger simulate: cannot write " + e.getMessage());
            return 2;
        }
        summary(err, config, run, out.toString(), truthFile);
        return 0;
    }

    private int toKafka(
            SimConfig config, long wallLimitNanos, Path truthFile, PrintWriter err, StopSignal stop)
            throws Exception {
        Topics topics = Topics.prefixed(topicPrefix, partitions, (short) 1);
        EmbeddedKafkaBroker broker = null;
        DataDirLock lock = null;
        try {
            String servers = bootstrap;
            if (servers == null && brokerPort != 0 && Addresses.listening(brokerPort)) {
                servers = EmbeddedKafkaBroker.HOST + ":" + brokerPort;
            } else if (servers == null) {
                try {
                    lock = DataDirLock.acquire(dataDir);
                } catch (IOException e) {
                    err.println("vmledger simulate: " + e.getMessage());
                    return 2;
                }
                String problem = Addresses.brokerPortProblem(brokerPort);
                if (problem != null) {
                    err.println("vmledger simulate: " + problem);
                    return 2;
                }
                err.println(
                        "vmledger simulate: starting the embedded Kafka broker in "
                                + dataDir.resolve("broker")
                                + " ...");
                err.flush();
                broker = EmbeddedKafkaBroker.start(dataDir.resolve("broker"), brokerPort);
                servers = broker.bootstrapServers();
            }
            if (broker == null) {
                String problem = KafkaReach.problem(servers);
                if (problem != null) {
                    err.println("vmledger simulate: " + problem);
                    return 2;
                }
            }
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
                topics.ensure(admin);
            }
            FleetRun.Result run;
            try (EventPublisher publisher = new EventPublisher(servers, topics.events(), Map.of());
                    BufferedWriter labels =
                            Files.newBufferedWriter(truthFile, StandardCharsets.UTF_8)) {
                run = simulate(config, wallLimitNanos, publisher::send, labels, stop);
                publisher.flush();
            } catch (IOException e) {
                err.println("vmledger simulate: cannot write " + e.getMessage());
                return 2;
            } catch (IllegalStateException e) {
                err.println("vmledger simulate: " + e.getMessage());
                return 1;
            }
            summary(err, config, run, topics.events().name() + " on " + servers, truthFile);
            return 0;
        } finally {
            if (broker != null) {
                broker.close();
            }
            if (lock != null) {
                lock.close();
            }
        }
    }

    /**
     * Runs the fleet into {@code sink}, labels into {@code labels}, paced and bounded as asked,
     * until done or stopped.
     */
    private FleetRun.Result simulate(
            SimConfig config,
            long wallLimitNanos,
            FleetRun.EventSink sink,
            BufferedWriter labels,
            StopSignal stop)
            throws IOException {
        Progress progress = Progress.forStderr("simulate");
        try {
            return new FleetRun(config, rate, wallLimitNanos)
                    .run(
                            sink,
                            label -> {
                                try {
                                    labels.append(label.toJson()).append('\n');
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            },
                            progress::tick,
                            stop::requested);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            progress.done();
        }
    }

    private static void summary(
            PrintWriter err, SimConfig config, FleetRun.Result run, String where, Path truthFile) {
        StringBuilder bugs = new StringBuilder();
        for (BugKind k : BugKind.values()) {
            bugs.append(bugs.length() == 0 ? "" : ", ")
                    .append(k.label())
                    .append(' ')
                    .append(run.labels().getOrDefault(k, 0L));
        }
        err.println(
                String.format(
                        Locale.ROOT,
                        "vmledger simulate: %,d events from %d devices to %s in %.1f s (%,.0f events/s)",
                        run.events(),
                        config.devices(),
                        where,
                        run.seconds(),
                        run.events() / Math.max(run.seconds(), 1e-9)));
        err.println("vmledger simulate: labelled: " + bugs + "; ground truth in " + truthFile);
    }

    private String validate() {
        if (devices < 1) {
            return "--devices must be >= 1";
        }
        if (events != null && events < 0) {
            return "--events must be >= 0";
        }
        if (duration != null) {
            try {
                Durations.micros(duration, "--duration");
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        if (duration != null && Durations.micros(duration, "--duration") == 0) {
            return "--duration must be above 0";
        }
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            return "--rate must be >= 0";
        }
        if (!(bugRate >= 0 && bugRate <= 1) || !(invalidRate >= 0 && invalidRate <= 1)) {
            return "--bug-rate and --invalid-rate must be in 0..1";
        }
        try {
            if (Instant.parse(startTime).isBefore(Instant.EPOCH)) {
                return "--start-time must not be before 1970";
            }
        } catch (DateTimeParseException e) {
            return "--start-time must be an ISO-8601 instant like 2026-01-01T00:00:00Z, got '"
                    + startTime
                    + "'";
        }
        if (out != null && bootstrap != null) {
            return "--out and --bootstrap exclude each other: write a file or publish to Kafka";
        }
        if (events != null && events == 0 && duration == null && rate == 0) {
            return "--events 0 needs --duration or --rate";
        }
        if (partitions < 1) {
            return "--partitions must be >= 1";
        }
        if (brokerPort < 0 || brokerPort > 65535) {
            return "--broker-port must be in 0..65535";
        }
        return null;
    }

    /** {@code fleet.jsonl} → {@code fleet.truth.jsonl}, beside it. */
    static Path truthBeside(Path out) {
        String name = out.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return out.resolveSibling(stem + ".truth.jsonl");
    }
}
