package io.vmledger.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * The embedded default: a real single-node Kafka broker (combined broker and KRaft controller)
 * started in-process from Kafka's own server classes, listening on loopback.
 *
 * <p>This is the one class that touches Kafka's server internals (pinned to the version in the root
 * pom). The log directory is formatted on first use only, so a broker restarted on the same
 * directory keeps its topics, offsets and transactions. Every internal topic is configured for a
 * single replica (the settings without which consumers and Kafka Streams wait forever on one
 * broker), and the first consumer group rebalance is not delayed.
 *
 * <p><b>Member mode</b> ({@link #member}, or {@code main} for a process of its own): one node of a
 * KRaft cluster of several such nodes, each a combined broker and controller, voting in one quorum
 * ({@code controller.quorum.voters}) and formatted with one shared cluster id. A cluster of three
 * is configured as production would be: topics created with three replicas and {@code
 * min.insync.replicas} 2 (an acknowledged write survives the loss of any one broker, and writes go
 * on while one is down), the consumer offsets and transaction state topics likewise (transaction
 * state with a minimum ISR of 2), so that exactly-once processing survives the loss of any one
 * node.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final int NODE_ID = 1;

    /** The loopback address the broker listens on. */
    public static final String HOST = "127.0.0.1";

    private static final int BIND_ATTEMPTS = 5;

    private final Path dataDir;
    private final KafkaRaftServer server;
    private final int port;

    /**
     * One node of a KRaft cluster.
     *
     * @param nodeId this node's id, one of {@code voters}
     * @param port its broker (client) port on {@link #HOST}
     * @param controllerPort its controller port, the one {@code voters} names for it
     * @param voters {@code controller.quorum.voters}: {@code id@host:port} of every node, comma
     *     separated
     * @param clusterId the cluster's id (the same on every node; {@link Uuid#randomUuid()} text)
     * @param dataDir this node's data (formatted on first start with {@code clusterId})
     */
    public record Member(
            int nodeId,
            int port,
            int controllerPort,
            String voters,
            String clusterId,
            Path dataDir) {
        public Member {
            if (nodeId < 0 || port < 1 || controllerPort < 1) {
                throw new IllegalArgumentException(
                        "node id must be >= 0 and ports >= 1, got "
                                + nodeId
                                + ", "
                                + port
                                + ", "
                                + controllerPort);
            }
            java.util.Objects.requireNonNull(voters, "voters cannot be null");
            java.util.Objects.requireNonNull(clusterId, "clusterId cannot be null");
            java.util.Objects.requireNonNull(dataDir, "dataDir cannot be null");
        }

        /** Nodes in the quorum. */
        int size() {
            return voters.split(",").length;
        }
    }

    private EmbeddedKafkaBroker(Path dataDir, KafkaRaftServer server, int port) {
        this.dataDir = dataDir;
        this.server = server;
        this.port = port;
    }

    /**
     * Starts a broker whose data lives in {@code dataDir} (created if missing), on {@code port} (0
     * picks a free one), and waits until it answers clients.
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create broker data dir " + dataDir, e);
        }
        RuntimeException last = null;
        for (int attempt = 0; attempt < (port == 0 ? BIND_ATTEMPTS : 1); attempt++) {
            int brokerPort = port == 0 ? freePort() : port;
            int controllerPort = freePort();
            KafkaConfig config =
                    new KafkaConfig(config(dataDir, brokerPort, controllerPort), false);
            formatOnce(dataDir, config, NODE_ID, Uuid.randomUuid().toString());
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            try {
                server.startup();
            } catch (RuntimeException e) {
                shutdownQuietly(server);
                if (!causedByBind(e)) {
                    throw e;
                }
                last = e;
                continue;
            }
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, server, brokerPort);
            broker.awaitReady(Duration.ofSeconds(60));
            return broker;
        }
        throw new IllegalStateException(
                "cannot bind the embedded broker to " + HOST + ":" + port, last);
    }

    /**
     * Starts node {@code m} of a cluster and returns once it has started (not once the quorum has
     * formed: that needs a majority of the nodes, which start in other processes). Topics, offsets
     * and transaction state get {@code min(3, nodes)} replicas, {@code min.insync.replicas} one
     * fewer (at least 1).
     */
    public static EmbeddedKafkaBroker member(Member m) {
        try {
            Files.createDirectories(m.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create broker data dir " + m.dataDir(), e);
        }
        Map<String, Object> props = config(m.dataDir(), m.port(), m.controllerPort());
        int replicas = Math.min(3, m.size());
        String rf = Integer.toString(replicas);
        String minIsr = Integer.toString(Math.max(1, replicas - 1));
        props.put("node.id", Integer.toString(m.nodeId()));
        props.put("controller.quorum.voters", m.voters());
        props.put("offsets.topic.replication.factor", rf);
        props.put("transaction.state.log.replication.factor", rf);
        props.put("transaction.state.log.min.isr", minIsr);
        props.put("share.coordinator.state.topic.replication.factor", rf);
        props.put("share.coordinator.state.topic.min.isr", minIsr);
        props.put("default.replication.factor", rf);
        props.put("min.insync.replicas", minIsr);
        // a killed leader's partitions move once its broker session ends: keep that short
        props.put("broker.session.timeout.ms", "6000");
        props.put("broker.heartbeat.interval.ms", "1000");
        KafkaConfig config = new KafkaConfig(props, false);
        formatOnce(m.dataDir(), config, m.nodeId(), m.clusterId());
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            shutdownQuietly(server);
            throw e;
        }
        return new EmbeddedKafkaBroker(m.dataDir(), server, m.port());
    }

    /**
     * Runs one cluster node until the process is stopped: {@code member NODE_ID PORT
     * CONTROLLER_PORT VOTERS CLUSTER_ID DATA_DIR} ({@link Member}). Prints {@code started node N on
     * HOST:PORT} on standard output once the node has started; a normal stop (SIGTERM) shuts the
     * node down cleanly.
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 7 || !args[0].equals("member")) {
            System.err.println(
                    "usage: EmbeddedKafkaBroker member NODE_ID PORT CONTROLLER_PORT VOTERS"
                            + " CLUSTER_ID DATA_DIR");
            System.exit(2);
        }
        Member m =
                new Member(
                        Integer.parseInt(args[1]),
                        Integer.parseInt(args[2]),
                        Integer.parseInt(args[3]),
                        args[4],
                        args[5],
                        Path.of(args[6]));
        EmbeddedKafkaBroker broker = member(m);
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    broker.close();
                                    stopped.countDown();
                                },
                                "broker-shutdown"));
        System.out.println("started node " + m.nodeId() + " on " + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }

    /** The {@code bootstrap.servers} value of this broker. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The broker's data directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** Shuts the broker down and waits until it has stopped; the data directory is kept. */
    @Override
    public void close() {
        shutdownQuietly(server);
    }

    private static Map<String, Object> config(Path dataDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put(
                "listeners",
                "PLAINTEXT://"
                        + HOST
                        + ":"
                        + brokerPort
                        + ",CONTROLLER://"
                        + HOST
                        + ":"
                        + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("log.dirs", logDir(dataDir).toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("server.max.startup.time.ms", "60000");
        Map<String, Object> m = new java.util.HashMap<>();
        p.forEach((k, v) -> m.put((String) k, v));
        return m;
    }

    private static Path logDir(Path dataDir) {
        return dataDir.resolve("kraft-logs");
    }

    /**
     * Formats the log directory unless it already holds a {@code meta.properties} (formatting twice
     * throws).
     */
    private static void formatOnce(Path dataDir, KafkaConfig config, int nodeId, String clusterId) {
        Path dir = logDir(dataDir);
        if (Files.exists(dir.resolve("meta.properties"))) {
            return;
        }
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(dir.toString()))
                    .setMetadataLogDirectory(dir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot format the broker data dir " + dir + ": " + e.getMessage(), e);
        }
    }

    private void awaitReady(Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(p)) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get();
                    admin.listTopics().names().get();
                    return;
                } catch (ExecutionException e) {
                    if (System.nanoTime() > deadline) {
                        close();
                        throw new IllegalStateException("embedded broker did not become ready", e);
                    }
                    Thread.sleep(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while waiting for the embedded broker", e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }

    private static boolean causedByBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException ignored) {
            // a half-started server may fail to stop parts it never started
        }
    }
}
