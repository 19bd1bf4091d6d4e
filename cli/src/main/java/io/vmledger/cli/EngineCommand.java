package io.vmledger.cli;

import io.vmledger.broker.EmbeddedKafkaBroker;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.engine.EngineConfig;
import io.vmledger.engine.VmledgerEngine;
import io.vmledger.engine.topology.EngineTopology;
import io.vmledger.engine.topology.EngineTopology.StoreType;
import io.vmledger.producer.feed.TraceFeed;
import io.vmledger.producer.kafka.EventPublisher;
import io.vmledger.schema.topic.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vmledger engine}: runs the streams engine (one or more instances) with its HTTP query
 * server, on the given Kafka or, by default, on an embedded single-node broker; optionally feeds it
 * trace files and prints the ledger.
 */
@Command(
        name = "engine",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run the streams engine: fold vmledger.events into per-device state, write the ledger,"
                    + " serve queries over HTTP.",
            "Without --bootstrap it starts an embedded Kafka broker (KRaft, in this process) on 127.0.0.1.",
            "Runs until interrupted (Ctrl-C), or with --exit-after-feed until the fed events are in the ledger.",
            "One process per data directory: DATA-DIR/.lock is held while it runs (the state dir's, with"
                    + " --bootstrap and --state-dir).",
            "Exit status: 0 on success, 1 when the engine failed or a fed file could not be read to its end,"
                    + " 2 for bad arguments, an unreadable --feed file, a directory in use, a port in use or no broker."
        })
public final class EngineCommand implements Callable<Integer> {
    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers; absent: start the embedded broker.")
    String bootstrap;

    @Option(
            names = "--broker-port",
            paramLabel = "PORT",
            defaultValue = "9092",
            description =
                    "Port of the embedded broker, 0 for any free port (default: ${DEFAULT-VALUE}).")
    int brokerPort;

    @Option(
            names = "--data-dir",
            defaultValue = "vmledger-data",
            paramLabel = "DIR",
            description =
                    "Embedded broker data and default state live here; locked while the engine runs"
                            + " (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description = "Kafka Streams state (default: DATA-DIR/state).")
    Path stateDir;

    @Option(
            names = "--http",
            defaultValue = "127.0.0.1:8080",
            paramLabel = "HOST:PORT",
            description =
                    "Query server address; port 0 picks a free one; instance i listens on PORT+i (default: ${DEFAULT-VALUE}).")
    String http;

    @Option(
            names = "--advertise",
            paramLabel = "HOST:PORT",
            description =
                    "Where other engine instances reach this one's query server (Kafka Streams'"
                            + " application.server), e.g. a host name when --http binds 0.0.0.0; instance i"
                            + " announces PORT+i (default: the --http address).")
    String advertise;

    @Option(
            names = "--instances",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "Engine instances in this process, sharing the partitions (default: ${DEFAULT-VALUE}).")
    int instances;

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "1",
            description = "Stream threads per instance (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--working-set",
            paramLabel = "SIZE",
            description =
                    "Heap this instance's tasks may hold devices' state in, together (e.g. 512MiB); beyond it the least recently used"
                            + " devices are evicted and fold over the stores until room frees (default: a quarter of the maximum heap).")
    String workingSet;

    @Option(
            names = "--stall-timeout",
            defaultValue = "60s",
            paramLabel = "DURATION",
            description =
                    "How long input may wait with no event folded before /healthz answers 503 (default: ${DEFAULT-VALUE}).")
    String stallTimeout;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            defaultValue = "4",
            description = "Partitions of topics the engine creates (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
            names = "--standby-replicas",
            paramLabel = "N",
            defaultValue = "0",
            description = "Standby replicas of each store (default: ${DEFAULT-VALUE}).")
    int standbys;

    @Option(
            names = "--replication-factor",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "Replicas of each topic the engine creates, its stores' changelogs included; 3 on a"
                            + " three-broker cluster (default: ${DEFAULT-VALUE}).")
    short replication;

    @Option(
            names = "--instance-id",
            paramLabel = "ID",
            description =
                    "This instance's static group membership (group.instance.id; instance i of --instances"
                            + " gets ID-i): restarted with the same ID, it takes its partitions back without a"
                            + " rebalance (default: from the --http address, none for port 0; 'none' turns it off).")
    String instanceId;

    @Option(
            names = {"-X", "--streams-property"},
            paramLabel = "KEY=VALUE",
            description =
                    "Any further Kafka Streams setting, applied last; client settings take Kafka Streams'"
                            + " prefixes, e.g. -X commit.interval.ms=50 -X producer.linger.ms=10"
                            + " -X consumer.session.timeout.ms=20000.")
    Map<String, String> streamsProperties = new LinkedHashMap<>();

    @Option(
            names = "--store",
            paramLabel = "TYPE",
            defaultValue = "rocksdb",
            description = "State stores: rocksdb or memory (default: ${DEFAULT-VALUE}).")
    String store;

    @Option(
            names = "--vm-log-shift",
            paramLabel = "N",
            defaultValue = "8",
            description = "msm vm_log_shift, as for replay (default: ${DEFAULT-VALUE}).")
    int vmLogShift;

    @Option(
            names = "--snapshot-every",
            paramLabel = "N",
            defaultValue = "" + EngineTopology.DEFAULT_SNAPSHOT_EVERY,
            description =
                    "Write a device's full state to the snapshots topic every N of its events, for fast"
                            + " as-of audits; 0 never (default: ${DEFAULT-VALUE}).")
    long snapshotEvery;

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            defaultValue = Topics.PREFIX,
            description =
                    "Topic names are PREFIX + events, ledger, deadletter, coredumps, alerts, snapshots "
                            + "(default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Mixin AlertOptions alerts;

    @Option(
            names = "--feed",
            paramLabel = "FILE",
            description = "Publish these trace files once the engine runs.")
    List<String> feed = new ArrayList<>();

    @Option(
            names = "--print-ledger",
            description = "Print new ledger entries on stdout as JSON lines (as replay does).")
    boolean printLedger;

    @Option(
            names = "--exit-after-feed",
            description =
                    "Stop once every fed event has its ledger entry (needs --feed and --print-ledger).")
    boolean exitAfterFeed;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        String bad = validate();
        if (bad != null) {
            err.println("vmledger engine: " + bad);
            return 2;
        }
        DataDirLock lock;
        try {
            lock = DataDirLock.acquire(lockedDir());
        } catch (IOException e) {
            err.println("vmledger engine: " + e.getMessage());
            return 2;
        }
        try (lock) {
            String problem = placeProblem();
            if (problem != null) {
                err.println("vmledger engine: " + problem);
                return 2;
            }
            return start(err);
        }
    }

    /** Starts the broker (without --bootstrap) and the engines, then runs until stopped or fed. */
    private int start(PrintWriter err) throws Exception {
        EmbeddedKafkaBroker broker = null;
        List<VmledgerEngine> engines = new ArrayList<>();
        StopSignal stop = new StopSignal("engine", Duration.ofSeconds(60));
        try {
            String servers = bootstrap;
            if (servers == null) {
                err.println(
                        "vmledger engine: starting the embedded Kafka broker in "
                                + dataDir.resolve("broker")
                                + " ...");
                broker = EmbeddedKafkaBroker.start(dataDir.resolve("broker"), brokerPort);
                servers = broker.bootstrapServers();
                err.println("vmledger engine: embedded broker at " + servers);
            }
            EngineConfig base = config(servers);
            int port = base.httpPort();
            for (int i = 0; i < instances; i++) {
                Path dir =
                        instances == 1 ? base.stateDir() : base.stateDir().resolve("instance-" + i);
                int instancePort = port == 0 ? 0 : port + i;
                VmledgerEngine e =
                        VmledgerEngine.start(
                                base.withInstance(dir, instancePort)
                                        .withOverrides(
                                                overrides(base.httpHost(), instancePort, i)));
                engines.add(e);
                int instance = i;
                e.failure()
                        .thenAccept(
                                reason -> {
                                    say(
                                            err,
                                            "stopped: instance " + instance + " failed: " + reason);
                                    stop.request();
                                });
                err.println(
                        "vmledger engine: instance "
                                + i
                                + " queries at http://"
                                + e.http().host()
                                + ":"
                                + e.http().port()
                                + "/devices");
            }
            for (VmledgerEngine e : engines) {
                if (!e.awaitRunning(Duration.ofMinutes(5))) {
                    err.println(
                            "vmledger engine: an instance did not start (state "
                                    + e.streams().state()
                                    + ")");
                    return 1;
                }
            }
            err.println("vmledger engine: running" + (exitAfterFeed ? "" : "; Ctrl-C stops it"));
            err.flush();
            int code = run(servers, base.topics(), err, stop);
            return engines.stream().anyMatch(e -> e.failure().isDone()) ? 1 : code;
        } finally {
            for (VmledgerEngine e : engines) {
                e.close();
            }
            if (broker != null) {
                broker.close();
            }
            stop.close();
        }
    }

    private int run(String servers, Topics topics, PrintWriter err, StopSignal stop)
            throws Exception {
        LedgerPrinter printer =
                printLedger
                        ? new LedgerPrinter(
                                servers, topics.ledger(), spec.commandLine().getOut(), err)
                        : null;
        try {
            long fed = 0;
            boolean complete = true;
            if (!feed.isEmpty()) {
                try (EventPublisher publisher =
                        new EventPublisher(servers, topics.events(), Map.of())) {
                    TraceFeed trace =
                            new TraceFeed(
                                    publisher,
                                    0,
                                    null,
                                    (file, bad) ->
                                            say(
                                                    err,
                                                    file
                                                            + ":"
                                                            + bad.lineNo()
                                                            + ": not sent: "
                                                            + bad.reason()),
                                    warning -> say(err, "warning: " + warning));
                    for (TraceFeed.FileResult r : trace.feed(feed)) {
                        if (r.error() != null) {
                            say(err, r.file() + ": " + r.error());
                            complete = false;
                        }
                        fed += r.sent();
                    }
                }
                err.println("vmledger engine: fed " + fed + " events");
            }
            if (exitAfterFeed) {
                while (printer.seen() < fed && printer.reading() && !stop.requested()) {
                    Thread.sleep(50);
                }
                return complete ? 0 : 1;
            }
            stop.await();
            return 0;
        } finally {
            if (printer != null) {
                printer.close();
            }
        }
    }

    private static void say(PrintWriter err, String line) {
        synchronized (err) {
            err.println("vmledger engine: " + line);
            err.flush();
        }
    }

    private String validate() {
        if (instances < 1 || threads < 1 || partitions < 1 || replication < 1) {
            return "--instances, --threads, --partitions and --replication-factor must be >= 1";
        }
        if (instanceId != null && !instanceId.matches("[A-Za-z0-9._:-]{1,200}")) {
            return "--instance-id must be 1 to 200 of A-Z a-z 0-9 . _ : -, got '"
                    + instanceId
                    + "'";
        }
        try {
            HttpAddress.parse(http);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        if (advertise != null) {
            int colon = advertise.lastIndexOf(':');
            if (!advertise.matches(".+:\\d{1,5}")
                    || Integer.parseInt(advertise.substring(colon + 1)) > 65535
                    || Integer.parseInt(advertise.substring(colon + 1)) < 1) {
                return "--advertise must be HOST:PORT with a port 1-65535, got '" + advertise + "'";
            }
            if (streamsProperties.containsKey(StreamsConfig.APPLICATION_SERVER_CONFIG)) {
                return "--advertise and -X application.server name the same setting: give one";
            }
        }
        if (!store.equals("rocksdb") && !store.equals("memory")) {
            return "--store must be rocksdb or memory, got '" + store + "'";
        }
        try {
            if (workingSet != null) {
                Sizes.bytes(workingSet, "--working-set");
            }
            if (Durations.micros(stallTimeout, "--stall-timeout") <= 0) {
                return "--stall-timeout must be positive";
            }
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        if (vmLogShift < 0) {
            return "--vm-log-shift must be >= 0";
        }
        if (snapshotEvery < 0) {
            return "--snapshot-every must be >= 0";
        }
        if (exitAfterFeed && (feed.isEmpty() || !printLedger)) {
            return "--exit-after-feed needs --feed and --print-ledger";
        }
        try {
            alerts.thresholds();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return PathCheck.readProblem(feed);
    }

    /**
     * The directory this engine writes to, locked while it runs: the data dir, or only the state
     * dir when that is all it uses.
     */
    private Path lockedDir() {
        return bootstrap != null && stateDir != null ? stateDir : dataDir;
    }

    /**
     * Why the engine cannot start where it is told to (a port in use, a host that does not resolve,
     * no broker at --bootstrap), or null; checked before a broker or engine starts.
     */
    private String placeProblem() {
        String ports = bootstrap == null ? Addresses.brokerPortProblem(brokerPort) : null;
        if (ports == null) {
            ports = HttpAddress.parse(http).unbindable(instances);
        }
        return ports != null || bootstrap == null ? ports : KafkaReach.problem(bootstrap);
    }

    /**
     * The Kafka Streams settings of instance {@code i}: its static membership and advertised query
     * address, then every {@code -X} setting (an {@code application.id} among them is the
     * engine's).
     */
    private Map<String, String> overrides(String host, int port, int i) {
        Map<String, String> out = new LinkedHashMap<>();
        if (advertise != null) {
            int colon = advertise.lastIndexOf(':');
            out.put(
                    StreamsConfig.APPLICATION_SERVER_CONFIG,
                    advertise.substring(0, colon)
                            + ":"
                            + (Integer.parseInt(advertise.substring(colon + 1)) + i));
        }
        String id = instanceId;
        if (id == null && port != 0) {
            id = "vmledger-" + host + "-" + (port - i);
        }
        if (id != null && !id.equals("none")) {
            out.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instances == 1 ? id : id + "-" + i);
        }
        out.putAll(streamsProperties);
        return out;
    }

    private EngineConfig config(String servers) {
        HttpAddress address = HttpAddress.parse(http);
        return new EngineConfig(
                servers,
                EngineConfig.APPLICATION_ID,
                stateDir != null ? stateDir : dataDir.resolve("state"),
                Duration.ofNanos(Durations.micros(stallTimeout, "--stall-timeout") * 1000),
                threads,
                standbys,
                Topics.prefixed(topicPrefix, partitions, replication),
                new FoldConfig(vmLogShift),
                store.equals("memory") ? StoreType.MEMORY : StoreType.ROCKSDB,
                address.host(),
                address.port(),
                Map.of(),
                snapshotEvery,
                alerts.thresholds(),
                workingSet == null
                        ? EngineTopology.defaultWorkingSetBytes()
                        : Sizes.bytes(workingSet, "--working-set"));
    }
}
