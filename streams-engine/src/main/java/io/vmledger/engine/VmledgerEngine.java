package io.vmledger.engine;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.engine.query.LocalQueries;
import io.vmledger.engine.query.QueryRouter;
import io.vmledger.engine.query.QueryServer;
import io.vmledger.engine.topology.EngineRocksDbConfig;
import io.vmledger.engine.topology.EngineTopology;
import io.vmledger.engine.topology.EventBoundaries;
import io.vmledger.engine.topology.LedgerCounters;
import io.vmledger.schema.topic.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

/**
 * One running engine instance: the topology in Kafka Streams plus its HTTP query server. Instances
 * started with the same application id on the same brokers share the partitions; Kafka assigns
 * them, restores their state from the changelogs and routes queries by the {@code
 * application.server} each announces.
 */
public final class VmledgerEngine implements AutoCloseable {
    private final KafkaStreams streams;
    private final QueryServer http;
    private final RestoreProgress restore;
    private final KafkaStreamsMetrics streamsMetrics;
    private final FoldConfig fold;
    private final Admin admin;
    private final FoldWatchdog watchdog;
    private final StreamFailures failures;
    private final EventBoundaries boundaries;
    private final HostInfo advertised;

    private VmledgerEngine(
            KafkaStreams streams,
            QueryServer http,
            RestoreProgress restore,
            KafkaStreamsMetrics streamsMetrics,
            FoldConfig fold,
            Admin admin,
            FoldWatchdog watchdog,
            StreamFailures failures,
            EventBoundaries boundaries,
            HostInfo advertised) {
        this.streams = streams;
        this.boundaries = boundaries;
        this.advertised = advertised;
        this.http = http;
        this.restore = restore;
        this.streamsMetrics = streamsMetrics;
        this.fold = fold;
        this.admin = admin;
        this.watchdog = watchdog;
        this.failures = failures;
    }

    /**
     * Creates missing topics, binds the query server and starts processing (returns without
     * waiting).
     */
    public static VmledgerEngine start(EngineConfig config) throws InterruptedException {
        Admin admin =
                Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap()));
        QueryServer http = null;
        try {
            config.topics().ensure(admin);
            PrometheusMeterRegistry registry =
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            http = QueryServer.start(config.httpHost(), config.httpPort());
            LedgerCounters counters = new LedgerCounters(registry);
            EventBoundaries boundaries = new EventBoundaries();
            KafkaStreams streams =
                    new KafkaStreams(
                            EngineTopology.build(
                                    config.topics(),
                                    config.fold(),
                                    config.storeType(),
                                    counters,
                                    config.snapshotEvery(),
                                    config.alerts(),
                                    config.workingSetBytes(),
                                    boundaries),
                            properties(config, http.hostInfo()));
            RestoreProgress restore = new RestoreProgress();
            streams.setGlobalStateRestoreListener(restore);
            StreamFailures failures = new StreamFailures();
            streams.setUncaughtExceptionHandler(failures);
            streams.setStateListener(failures);
            KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams);
            metrics.bindTo(registry);
            FoldWatchdog watchdog =
                    new FoldWatchdog(
                            streams,
                            admin,
                            config.applicationId(),
                            config.topics().events().name(),
                            counters::folded,
                            config.stallTimeout(),
                            registry);
            http.attach(
                    new QueryRouter(
                            streams,
                            config.advertised(http.hostInfo()),
                            config.fold(),
                            registry,
                            watchdog::reading,
                            boundaries,
                            config.bootstrap(),
                            config.topics()));
            streams.start();
            return new VmledgerEngine(
                    streams,
                    http,
                    restore,
                    metrics,
                    config.fold(),
                    admin,
                    watchdog,
                    failures,
                    boundaries,
                    config.advertised(http.hostInfo()));
        } catch (RuntimeException | InterruptedException e) {
            if (http != null) {
                http.close();
            }
            admin.close();
            throw e;
        }
    }

    static Properties properties(EngineConfig config, HostInfo http) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.threads());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.topics().replication());
        HostInfo advertised = config.advertised(http);
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertised.host() + ":" + advertised.port());
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L << 20);
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, EngineRocksDbConfig.class);
        p.put(StreamsConfig.producerPrefix("linger.ms"), 5);
        p.put(StreamsConfig.producerPrefix("compression.type"), "lz4");
        p.put(StreamsConfig.producerPrefix("max.request.size"), Topics.MAX_OUTPUT_BYTES);
        // a static member (group.instance.id) that dies keeps its partitions until its session
        // ends: 15 s instead of the consumer's 45 s before survivors take them over
        p.put(StreamsConfig.mainConsumerPrefix("session.timeout.ms"), 15_000);
        p.putAll(config.overrides());
        return p;
    }

    /** Waits until the instance is RUNNING (false on timeout or if it stopped). */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State s = streams.state();
            if (s == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (s == KafkaStreams.State.ERROR
                    || s == KafkaStreams.State.NOT_RUNNING
                    || s == KafkaStreams.State.PENDING_SHUTDOWN
                    || s == KafkaStreams.State.PENDING_ERROR) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** The Kafka Streams instance (state, metadata, queries). */
    public KafkaStreams streams() {
        return streams;
    }

    /**
     * Read-only queries over a device's state, if this instance hosts the device's active partition
     * (empty otherwise, or while the device's owner is unknown).
     */
    public Optional<DeviceQueries> deviceQueries(String device) {
        LocalQueries local = new LocalQueries(streams, fold, boundaries);
        KeyQueryMetadata md = local.owner(device);
        if (md == null || !md.activeHost().equals(advertised)) {
            return Optional.empty();
        }
        return Optional.of(local.device(device, md.partition()));
    }

    /** The address other instances reach this instance's query server at. */
    public HostInfo advertised() {
        return advertised;
    }

    /** Where this instance serves HTTP queries. */
    public HostInfo http() {
        return http.hostInfo();
    }

    /**
     * Completes with the reason, in one line, when this instance has stopped for good on a failure
     * (a stream thread died of a non-transient error, or Kafka Streams went to ERROR): a process
     * should then exit non-zero so that its supervisor restarts it.
     */
    public CompletableFuture<String> failure() {
        return failures.fatal().thenApply(StreamFailures::summary);
    }

    /** State restored from changelogs since start. */
    public RestoreProgress restore() {
        return restore;
    }

    /**
     * Stops processing (committing what was processed), leaves the consumer group so that the
     * partitions move at once rather than after the session timeout, and stops the query server.
     */
    @Override
    public void close() {
        streams.close(
                CloseOptions.groupMembershipOperation(
                                CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(Duration.ofSeconds(30)));
        watchdog.close();
        streamsMetrics.close();
        http.close();
        admin.close();
    }
}
