package io.vmledger.schema.topic;

import io.vmledger.schema.Alert;
import io.vmledger.schema.Coredump;
import io.vmledger.schema.DeadLetter;
import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.Snapshot;
import io.vmledger.schema.VmEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Utils;

/**
 * The engine's topic catalogue: its input and output topics, each typed with the serdes of its
 * records ({@link Topic}), their partition count, and their creation when missing. Every topic gets
 * the input's partition count, so a device's outputs stay in one partition, in order. Records are
 * keyed by device (snapshots by a {@link SnapshotKey}, and placed by its device) and their
 * timestamps are event times, so topics keep records forever ({@code retention.ms=-1}: the ledger
 * is the history, and simulated or replayed traces carry old timestamps that time-based retention
 * would delete at once); the snapshot topic is compacted.
 *
 * @param events the input: VmEvents keyed by device
 * @param ledger one ledger entry per event folded
 * @param deadletter the input records the engine could not fold
 * @param coredumps devcoredump snapshots on GPU faults and hangs
 * @param alerts leak and anomaly alerts
 * @param snapshots parts of the devices' state snapshots
 * @param partitions partitions of each topic
 * @param replication replicas of each partition
 */
public record Topics(
        Topic<String, VmEvent> events,
        Topic<String, LedgerEntry> ledger,
        Topic<String, DeadLetter> deadletter,
        Topic<String, Coredump> coredumps,
        Topic<String, Alert> alerts,
        Topic<SnapshotKey, Snapshot> snapshots,
        int partitions,
        short replication) {
    /** The default prefix of every topic name. */
    public static final String PREFIX = "vmledger.";

    /**
     * The largest record the ledger and coredumps topics take: a dump lists every VA of the
     * faulting VM, which for a VM of ~20,000 VAs is past Kafka's 1 MiB default, and the ledger
     * entry of one unmap over many VAs lists a step for each (the engine's producer allows the same
     * size, and the engine keeps every record it writes within it).
     */
    public static final int MAX_OUTPUT_BYTES = 16 << 20;

    /**
     * The largest input event the engine folds: Kafka's default record limit. A larger record (only
     * possible where the events topic and the producer were set to allow one) is dead-lettered
     * unread.
     */
    public static final int MAX_EVENT_BYTES = 1 << 20;

    private static final Duration LEADER_WAIT = Duration.ofSeconds(60);

    public Topics {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1");
        }
        if (replication < 1) {
            throw new IllegalArgumentException("replication factor must be >= 1");
        }
    }

    /** The default catalogue with {@code partitions} partitions and one replica. */
    public static Topics defaults(int partitions) {
        return prefixed(PREFIX, partitions, (short) 1);
    }

    /** The catalogue whose names are {@code prefix} followed by the default suffixes. */
    public static Topics prefixed(String prefix, int partitions, short replication) {
        return new Topics(
                new Topic<>(prefix + "events", WireSerdes.DEVICE, WireSerdes.EVENT),
                new Topic<>(prefix + "ledger", WireSerdes.DEVICE, WireSerdes.LEDGER),
                new Topic<>(prefix + "deadletter", WireSerdes.DEVICE, WireSerdes.DEAD_LETTER),
                new Topic<>(prefix + "coredumps", WireSerdes.DEVICE, WireSerdes.COREDUMP),
                new Topic<>(prefix + "alerts", WireSerdes.DEVICE, WireSerdes.ALERT),
                new Topic<>(prefix + "snapshots", WireSerdes.SNAPSHOT_KEY, WireSerdes.SNAPSHOT),
                partitions,
                replication);
    }

    /**
     * The partition of {@code device}'s records in a topic of {@code partitions} partitions: what
     * Kafka's default partitioner picks for the key {@code device} (murmur2 of its UTF-8 bytes).
     * Every topic of the catalogue is keyed (or, for snapshots, placed) by device, so a device's
     * records are in this partition number of each of them.
     */
    public static int partitionOf(String device, int partitions) {
        return Utils.toPositive(Utils.murmur2(device.getBytes(StandardCharsets.UTF_8)))
                % partitions;
    }

    /** The names of every topic of the catalogue. */
    public List<String> all() {
        return List.of(
                events.name(),
                ledger.name(),
                deadletter.name(),
                coredumps.name(),
                alerts.name(),
                snapshots.name());
    }

    /**
     * Creates every topic of the catalogue that does not exist yet; existing ones are left as they
     * are.
     */
    public void ensure(Admin admin) throws InterruptedException {
        try {
            Set<String> existing = new HashSet<>(admin.listTopics().names().get());
            List<NewTopic> missing = new ArrayList<>();
            for (String t : all()) {
                if (!existing.contains(t)) {
                    missing.add(new NewTopic(t, partitions, replication).configs(configOf(t)));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(
                        "cannot create topics: " + e.getCause().getMessage(), e.getCause());
            }
        }
        awaitLeaders(admin);
    }

    private Map<String, String> configOf(String topic) {
        if (topic.equals(snapshots.name())) {
            return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        }
        if (topic.equals(coredumps.name())
                || topic.equals(ledger.name())
                || topic.equals(deadletter.name())) {
            return Map.of(
                    TopicConfig.RETENTION_MS_CONFIG,
                    "-1",
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                    Integer.toString(MAX_OUTPUT_BYTES));
        }
        return Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1");
    }

    /**
     * Waits until every partition has a leader and serves requests (answers a ListOffsets).
     * Metadata naming a leader is not enough on a just-created topic: an idempotent producer whose
     * first request meets a partition before the broker applied its leadership has that request
     * refused while later ones are appended, and the refused one then fails with
     * OUT_OF_ORDER_SEQUENCE_NUMBER until it expires (seen with the embedded broker).
     */
    private void awaitLeaders(Admin admin) throws InterruptedException {
        long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
        while (true) {
            try {
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                boolean ready = true;
                for (TopicDescription d :
                        admin.describeTopics(all()).allTopicNames().get().values()) {
                    for (TopicPartitionInfo p : d.partitions()) {
                        ready &= p.leader() != null && !p.leader().isEmpty();
                        latest.put(
                                new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
                    }
                }
                if (ready) {
                    admin.listOffsets(latest).all().get();
                    return;
                }
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "topics not ready: " + e.getCause().getMessage(), e.getCause());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "topics have no partition leaders after " + LEADER_WAIT.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }
}
