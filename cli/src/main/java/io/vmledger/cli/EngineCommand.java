package io.vmledger.cli;

import io.vmledger.broker.EmbeddedKafkaBroker;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.engine.EngineConfig;
import io.vmledger.engine.VmledgerEngine;
import io.vmledger.engine.topology.EngineTopology;
import io.vmledger.engine.topology.EngineTopology.StoreType;
import io.vmledger.engine.topology.Topics;
import io.vmledger.producer.feed.TraceFeed;
import io.vmledger.producer.kafka.EventPublisher;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vmledger engine}: runs the streams engine (one or more instances) with its HTTP query
 * server, on the given Kafka or, by default, on an embedded single-node broker; optionally feeds
 * it trace files and prints the ledger.
 */
@Command(name = "engine", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the streams engine: fold vmledger.events into per-device state, write the ledger,"
                + " serve queries over HTTP.",
                "Without --bootstrap it starts an embedded Kafka broker (KRaft, in this process) on 127.0.0.1.",
                "Runs until interrupted (Ctrl-C), or with --exit-after-feed until the fed events are in the ledger."})
public final class EngineCommand implements Callable<Integer> {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers; absent: start the embedded broker.")
    String bootstrap;

    @Option(names = "--broker-port", paramLabel = "PORT", defaultValue = "9092",
            description = "Port of the embedded broker, 0 for any free port (default: ${DEFAULT-VALUE}).")
    int brokerPort;

    @Option(names = "--data-dir", defaultValue = "vmledger-data", paramLabel = "DIR",
            description = "Embedded broker data and default state live here (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Kafka Streams state (default: DATA-DIR/state).")
    Path stateDir;

    @Option(names = "--http", defaultValue = "127.0.0.1:8080", paramLabel = "HOST:PORT",
            description = "Query server address; port 0 picks a free one; instance i listens on PORT+i (default: ${DEFAULT-VALUE}).")
    String http;

    @Option(names = "--instances", paramLabel = "N", defaultValue = "1",
            description = "Engine instances in this process, sharing the partitions (default: ${DEFAULT-VALUE}).")
    int instances;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "Stream threads per instance (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--guarantee", paramLabel = "MODE", defaultValue = EngineConfig.EXACTLY_ONCE_V2,
            description = "Processing guarantee: exactly_once_v2 or at_least_once (default: ${DEFAULT-VALUE}).")
    String guarantee;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "4",
            description = "Partitions of topics the engine creates (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--standby-replicas", paramLabel = "N", defaultValue = "0", description = "Standby replicas of each store (default: ${DEFAULT-VALUE}).")
    int standbys;

    @Option(names = "--store", paramLabel = "TYPE", defaultValue = "rocksdb", description = "State stores: rocksdb or memory (default: ${DEFAULT-VALUE}).")
    String store;

    @Option(names = "--vm-log-shift", paramLabel = "N", defaultValue = "8",
            description = "msm vm_log_shift, as for replay (default: ${DEFAULT-VALUE}).")
    int vmLogShift;

    @Option(names = "--snapshot-every", paramLabel = "N", defaultValue = "" + EngineTopology.DEFAULT_SNAPSHOT_EVERY,
            description = "Write a device's full state to the snapshots topic every N of its events, for fast"
                    + " as-of audits; 0 never (default: ${DEFAULT-VALUE}).")
    long snapshotEvery;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = Topics.PREFIX,
            description = "Topic names are PREFIX + events, ledger, deadletter, coredumps, alerts, snapshots "
                    + "(default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Mixin
    AlertOptions alerts;

    @Option(names = "--feed", paramLabel = "FILE", description = "Publish these trace files once the engine runs.")
    List<String> feed = new ArrayList<>();

    @Option(names = "--print-ledger", description = "Print new ledger entries on stdout as JSON lines (as replay does).")
    boolean printLedger;

    @Option(names = "--exit-after-feed", description = "Stop once every fed event has its ledger entry (needs --feed and --print-ledger).")
    boolean exitAfterFeed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        String bad = validate();
        if (bad != null) {
            err.println("vmledger engine: " + bad);
            return 2;
        }
        EmbeddedKafkaBroker broker = null;
        List<VmledgerEngine> engines = new ArrayList<>();
        StopSignal stop = new StopSignal("engine", Duration.ofSeconds(60));
        try {
            String servers = bootstrap;
            if (servers == null) {
                err.println("vmledger engine: starting the embedded Kafka broker in " + dataDir.resolve("broker") + " ...");
                broker = EmbeddedKafkaBroker.start(dataDir.resolve("broker"), brokerPort);
                servers = broker.bootstrapServers();
                err.println("vmledger engine: embedded broker at " + servers);
            } else {
                String problem = KafkaReach.problem(servers);
                if (problem != null) {
                    err.println("vmledger engine: " + problem);
                    return 2;
                }
            }
            EngineConfig base = config(servers);
            int port = base.httpPort();
            for (int i = 0; i < instances; i++) {
                Path dir = instances == 1 ? base.stateDir() : base.stateDir().resolve("instance-" + i);
                VmledgerEngine e = VmledgerEngine.start(base.withInstance(dir, port == 0 ? 0 : port + i));
                engines.add(e);
                err.println("vmledger engine: instance " + i + " queries at http://" + e.http().host() + ":"
                        + e.http().port() + "/devices");
            }
            for (VmledgerEngine e : engines) {
                if (!e.awaitRunning(Duration.ofMinutes(5))) {
                    err.println("vmledger engine: an instance did not start (state " + e.streams().state() + ")");
                    return 1;
                }
            }
            err.println("vmledger engine: running" + (exitAfterFeed ? "" : "; Ctrl-C stops it"));
            err.flush();
            return run(servers, base.topics(), err, stop);
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

    private int run(String servers, Topics topics, PrintWriter err, StopSignal stop) throws Exception {
        LedgerPrinter printer = printLedger ? new LedgerPrinter(servers, topics.ledger(), spec.commandLine().getOut(), err) : null;
        try {
            long fed = 0;
            if (!feed.isEmpty()) {
                try (EventPublisher publisher = new EventPublisher(servers, topics.events(), Map.of())) {
                    TraceFeed trace = new TraceFeed(publisher, 0, null,
                            (file, bad) -> say(err, file + ":" + bad.lineNo() + ": not sent: " + bad.reason()),
                            warning -> say(err, "warning: " + warning));
                    for (TraceFeed.FileResult r : trace.feed(feed)) {
                        if (r.error() != null) {
                            say(err, r.file() + ": " + r.error());
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
                return 0;
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
        if (instances < 1 || threads < 1 || partitions < 1) {
            return "--instances, --threads and --partitions must be >= 1";
        }
        try {
            HttpAddress.parse(http);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        if (!store.equals("rocksdb") && !store.equals("memory")) {
            return "--store must be rocksdb or memory, got '" + store + "'";
        }
        if (!guarantee.equals(EngineConfig.EXACTLY_ONCE_V2) && !guarantee.equals("at_least_once")) {
            return "--guarantee must be exactly_once_v2 or at_least_once, got '" + guarantee + "'";
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
        return null;
    }

    private EngineConfig config(String servers) {
        HttpAddress address = HttpAddress.parse(http);
        return new EngineConfig(servers, EngineConfig.APPLICATION_ID,
                stateDir != null ? stateDir : dataDir.resolve("state"), guarantee, threads, standbys,
                Topics.prefixed(topicPrefix, partitions, (short) 1),
                new FoldConfig(vmLogShift), store.equals("memory") ? StoreType.MEMORY : StoreType.ROCKSDB,
                address.host(), address.port(), Map.of(), snapshotEvery,
                alerts.thresholds());
    }
}
