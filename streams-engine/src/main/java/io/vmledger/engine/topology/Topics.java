package io.vmledger.engine.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The engine's topic catalogue: names and partition counts of its input and output topics, and
 * their creation when missing. Ledger and dead-letter topics get the input's partition count, so
 * a device's outcomes stay in one partition, in order.
 */
public record Topics(String events, String ledger, String deadletter, int partitions, short replication) {
    /** The default names. */
    public static final String EVENTS = "vmledger.events";
    public static final String LEDGER = "vmledger.ledger";
    public static final String DEADLETTER = "vmledger.deadletter";

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
        return new Topics(EVENTS, LEDGER, DEADLETTER, partitions, (short) 1);
    }

    /** Creates every topic of the catalogue that does not exist yet; existing ones are left as they are. */
    public void ensure(Admin admin) throws InterruptedException {
        try {
            Set<String> existing = new HashSet<>(admin.listTopics().names().get());
            List<NewTopic> missing = new ArrayList<>();
            for (String t : List.of(events, ledger, deadletter)) {
                if (!existing.contains(t)) {
                    missing.add(new NewTopic(t, partitions, replication));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topics: " + e.getCause().getMessage(), e.getCause());
            }
        }
        awaitLeaders(admin);
    }

    /**
     * Waits until every partition has a leader in the brokers' metadata: a producer that asks
     * earlier is told NOT_LEADER_OR_FOLLOWER and may sit in retries for a long time.
     */
    private void awaitLeaders(Admin admin) throws InterruptedException {
        long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
        while (true) {
            try {
                boolean ready = true;
                for (TopicDescription d : admin.describeTopics(List.of(events, ledger, deadletter))
                        .allTopicNames().get().values()) {
                    for (TopicPartitionInfo p : d.partitions()) {
                        ready &= p.leader() != null && !p.leader().isEmpty();
                    }
                }
                if (ready) {
                    return;
                }
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics not ready: " + e.getCause().getMessage(), e.getCause());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics have no partition leaders after " + LEADER_WAIT.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }
}
