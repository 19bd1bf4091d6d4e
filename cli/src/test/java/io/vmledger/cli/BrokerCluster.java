package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.broker.EmbeddedKafkaBroker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * A KRaft cluster of brokers, each a separate JVM running {@link EmbeddedKafkaBroker}'s member mode
 * (combined broker and controller, all voters of one quorum), on loopback ports picked once so that
 * a node restarted after {@code kill -9} comes back at the same address with the same data.
 */
final class BrokerCluster implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(120);

    private final Path dir;
    private final String clusterId = Uuid.randomUuid().toString();
    private final int[] ports;
    private final int[] controllerPorts;
    private final Process[] nodes;

    BrokerCluster(Path dir, int size) throws IOException {
        this.dir = dir;
        this.ports = new int[size];
        this.controllerPorts = new int[size];
        this.nodes = new Process[size];
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < size; i++) {
                ports[i] = hold(held);
                controllerPorts[i] = hold(held);
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    private static int hold(List<ServerSocket> held) throws IOException {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(EmbeddedKafkaBroker.HOST));
        held.add(s);
        return s.getLocalPort();
    }

    /** Starts every node and waits until all of them are brokers of the cluster. */
    void start() throws Exception {
        List<CompletableFuture<Boolean>> started = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            started.add(launch(i));
        }
        for (int i = 0; i < nodes.length; i++) {
            awaitStarted(i, started.get(i));
        }
        awaitBrokers(nodes.length);
    }

    /** Node ids are 1..size; node {@code id}'s bootstrap address. */
    String address(int id) {
        return EmbeddedKafkaBroker.HOST + ":" + ports[id - 1];
    }

    /** Every node's address, as {@code bootstrap.servers}. */
    String bootstrap() {
        List<String> out = new ArrayList<>();
        for (int id = 1; id <= nodes.length; id++) {
            out.add(address(id));
        }
        return String.join(",", out);
    }

    /** The id of the node leading {@code topic}'s partition {@code partition}. */
    int leader(String topic, int partition) throws Exception {
        try (Admin admin = admin()) {
            TopicDescription d =
                    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            return d.partitions().get(partition).leader().id();
        }
    }

    /** Kills node {@code id} with SIGKILL and waits for it to be gone. */
    void kill(int id) throws InterruptedException {
        Process p = nodes[id - 1];
        p.destroyForcibly();
        assertTrue(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "broker " + id + " did not die");
    }

    /** Starts node {@code id} again on its data and waits until it is a broker of the cluster. */
    void restart(int id) throws Exception {
        awaitStarted(id - 1, launch(id - 1));
        awaitBrokers(nodes.length);
    }

    /**
     * Waits until every partition of {@code topics} has all its replicas in sync again (a restarted
     * broker has caught up).
     */
    void awaitInSync(List<String> topics) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                List<String> behind = new ArrayList<>();
                for (TopicDescription d :
                        admin.describeTopics(topics).allTopicNames().get().values()) {
                    for (TopicPartitionInfo p : d.partitions()) {
                        if (p.isr().size() < p.replicas().size()) {
                            behind.add(d.name() + "-" + p.partition() + " isr " + p.isr().size());
                        }
                    }
                }
                if (behind.isEmpty()) {
                    return;
                }
                assertTrue(
                        System.nanoTime() < deadline, "not in sync within " + WAIT + ": " + behind);
                Thread.sleep(200);
            }
        }
    }

    private Admin admin() {
        return Admin.create(
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap(),
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        10_000,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                        20_000));
    }

    private void awaitBrokers(int n) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                try {
                    if (admin.describeCluster().nodes().get().size() >= n) {
                        return;
                    }
                } catch (ExecutionException e) {
                    // the quorum is still forming
                }
                assertTrue(System.nanoTime() < deadline, n + " brokers not up within " + WAIT);
                Thread.sleep(200);
            }
        }
    }

    private CompletableFuture<Boolean> launch(int i) throws IOException {
        String voters =
                java.util.stream.IntStream.range(0, nodes.length)
                        .mapToObj(
                                k ->
                                        (k + 1)
                                                + "@"
                                                + EmbeddedKafkaBroker.HOST
                                                + ":"
                                                + controllerPorts[k])
                        .collect(Collectors.joining(","));
        Process p =
                new ProcessBuilder(
                                ProcessHandle.current().info().command().orElseThrow(),
                                "-Xmx320m",
                                "-XX:TieredStopAtLevel=1",
                                "-XX:+UseSerialGC",
                                "-cp",
                                System.getProperty("java.class.path"),
                                EmbeddedKafkaBroker.class.getName(),
                                "member",
                                Integer.toString(i + 1),
                                Integer.toString(ports[i]),
                                Integer.toString(controllerPorts[i]),
                                voters,
                                clusterId,
                                dir.resolve("broker-" + (i + 1)).toString())
                        .redirectErrorStream(true)
                        .start();
        nodes[i] = p;
        CompletableFuture<Boolean> started = new CompletableFuture<>();
        Thread reader =
                new Thread(
                        () -> {
                            try (BufferedReader out =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    p.getInputStream(), StandardCharsets.UTF_8))) {
                                for (String line = out.readLine();
                                        line != null;
                                        line = out.readLine()) {
                                    if (line.startsWith("started node")) {
                                        started.complete(true);
                                    } else {
                                        System.err.println("[broker " + (i + 1) + "] " + line);
                                    }
                                }
                            } catch (IOException killed) {
                                // the stream ends with the process
                            }
                            started.complete(false);
                        },
                        "broker-" + (i + 1) + "-out");
        reader.setDaemon(true);
        reader.start();
        return started;
    }

    private void awaitStarted(int i, CompletableFuture<Boolean> started) throws Exception {
        try {
            assertTrue(
                    started.get(WAIT.toSeconds(), TimeUnit.SECONDS),
                    "broker " + (i + 1) + " exited before it started (see its output above)");
        } catch (TimeoutException e) {
            throw new AssertionError("broker " + (i + 1) + " did not start within " + WAIT, e);
        }
    }

    @Override
    public void close() {
        try {
            for (Process p : nodes) {
                if (p != null) {
                    p.destroyForcibly();
                }
            }
            for (Process p : nodes) {
                if (p != null) {
                    p.waitFor(30, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
