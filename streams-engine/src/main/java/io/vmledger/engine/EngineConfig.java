package io.vmledger.engine;

import io.vmledger.core.alert.AlertThresholds;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.engine.topology.EngineTopology;
import io.vmledger.engine.topology.EngineTopology.StoreType;
import io.vmledger.schema.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Everything one engine instance needs: where Kafka is, its identity and state directory, when the
 * fold counts as stalled, threads, topics, how the fold is configured and where queries are served.
 * The processing guarantee is always {@code exactly_once_v2}: the fold's state and its ledger must
 * change together, and at-least-once would re-apply a crashed task's last events to state that
 * already holds them (shown by kill tests: duplicate ledger entries and wrong state).
 *
 * @param applicationId Kafka Streams {@code application.id}: instances with the same id share the
 *     work
 * @param stallTimeout how long input may wait with no record folded before {@code /healthz} says
 *     503
 * @param httpHost query server address; {@code httpPort} 0 picks a free port
 * @param overrides extra Kafka Streams properties, applied last; an {@code application.id} among
 *     them is the instance's application id (it replaces {@code applicationId}), and an {@code
 *     application.server} is the address other instances reach this one's query server at ({@link
 *     #advertised}), e.g. a host name where the query server binds a wildcard address
 * @param snapshotEvery a device's state goes to the snapshots topic every this many of its events;
 *     0 never
 * @param alerts thresholds of the alert rules
 * @param workingSetBytes heap the working sets of all this instance's tasks may take (devices'
 *     state mirrored from the stores)
 */
public record EngineConfig(
        String bootstrap,
        String applicationId,
        Path stateDir,
        Duration stallTimeout,
        int threads,
        int standbyReplicas,
        Topics topics,
        FoldConfig fold,
        StoreType storeType,
        String httpHost,
        int httpPort,
        Map<String, String> overrides,
        long snapshotEvery,
        AlertThresholds alerts,
        long workingSetBytes) {
    /**
     * The address announced as {@code application.server}, where other instances forward queries
     * for this instance's devices: the {@code application.server} override, else {@code bound}
     * (where the query server listens).
     */
    public HostInfo advertised(HostInfo bound) {
        String server = overrides.get(StreamsConfig.APPLICATION_SERVER_CONFIG);
        return server == null ? bound : hostInfo(server);
    }

    private static HostInfo hostInfo(String server) {
        int colon = server.lastIndexOf(':');
        int port;
        try {
            port = colon <= 0 ? -1 : Integer.parseInt(server.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(
                    "application.server must be HOST:PORT with a port 1-65535, got '"
                            + server
                            + "'");
        }
        return new HostInfo(server.substring(0, colon), port);
    }

    /** The default application id. */
    public static final String APPLICATION_ID = "vmledger-engine";

    /** The default stall timeout. */
    public static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

    public EngineConfig {
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(stateDir, "stateDir");
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("stall timeout must be positive");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1");
        }
        overrides = Map.copyOf(overrides);
        if (overrides.containsKey(StreamsConfig.APPLICATION_ID_CONFIG)) {
            applicationId = overrides.get(StreamsConfig.APPLICATION_ID_CONFIG);
        }
        Objects.requireNonNull(applicationId, "applicationId");
        if (overrides.containsKey(StreamsConfig.APPLICATION_SERVER_CONFIG)) {
            // fails early on a malformed address
            hostInfo(overrides.get(StreamsConfig.APPLICATION_SERVER_CONFIG));
        }
        if (snapshotEvery < 0) {
            throw new IllegalArgumentException("snapshotEvery must be >= 0");
        }
        Objects.requireNonNull(alerts, "alerts");
        if (workingSetBytes < 0) {
            throw new IllegalArgumentException("workingSetBytes must be >= 0");
        }
    }

    /**
     * Defaults for everything but the broker and state directory: one thread, RocksDB, HTTP on
     * 127.0.0.1:8080.
     */
    public static EngineConfig defaults(String bootstrap, Path stateDir) {
        return new EngineConfig(
                bootstrap,
                APPLICATION_ID,
                stateDir,
                STALL_TIMEOUT,
                1,
                0,
                Topics.defaults(4),
                FoldConfig.DEFAULT,
                StoreType.ROCKSDB,
                "127.0.0.1",
                8080,
                Map.of(),
                EngineTopology.DEFAULT_SNAPSHOT_EVERY,
                AlertThresholds.DEFAULT,
                EngineTopology.defaultWorkingSetBytes());
    }

    /** This configuration with another state directory and HTTP port (for a further instance). */
    public EngineConfig withInstance(Path dir, int port) {
        return new EngineConfig(
                bootstrap,
                applicationId,
                dir,
                stallTimeout,
                threads,
                standbyReplicas,
                topics,
                fold,
                storeType,
                httpHost,
                port,
                overrides,
                snapshotEvery,
                alerts,
                workingSetBytes);
    }

    /** This configuration with {@code more} Kafka Streams settings, applied after its own. */
    public EngineConfig withOverrides(Map<String, String> more) {
        Map<String, String> all = new java.util.LinkedHashMap<>(overrides);
        all.putAll(more);
        return new EngineConfig(
                bootstrap,
                applicationId,
                stateDir,
                stallTimeout,
                threads,
                standbyReplicas,
                topics,
                fold,
                storeType,
                httpHost,
                httpPort,
                all,
                snapshotEvery,
                alerts,
                workingSetBytes);
    }

    /** This configuration with its query server on {@code host}:{@code port} (0: any free port). */
    public EngineConfig withHttp(String host, int port) {
        return new EngineConfig(
                bootstrap,
                applicationId,
                stateDir,
                stallTimeout,
                threads,
                standbyReplicas,
                topics,
                fold,
                storeType,
                host,
                port,
                overrides,
                snapshotEvery,
                alerts,
                workingSetBytes);
    }

    /** This configuration with other alert thresholds. */
    public EngineConfig withAlerts(AlertThresholds thresholds) {
        return new EngineConfig(
                bootstrap,
                applicationId,
                stateDir,
                stallTimeout,
                threads,
                standbyReplicas,
                topics,
                fold,
                storeType,
                httpHost,
                httpPort,
                overrides,
                snapshotEvery,
                thresholds,
                workingSetBytes);
    }
}
