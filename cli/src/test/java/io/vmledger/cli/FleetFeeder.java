package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.engine.CommittedLedger;
import io.vmledger.producer.kafka.EventPublisher;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.topic.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Feeds a simulated fleet's events to the engines through the producer's own publisher (idempotent,
 * {@code acks=all}), as {@code vmledger produce} does, a window ahead of the committed ledger: the
 * stream keeps flowing through every failure (events are in flight when a broker or an instance
 * dies), and stalls rather than piles up while nothing is folded. The test releases the fleet in
 * parts ({@link #allow}) and waits on the committed ledger ({@link #awaitCommitted}).
 */
final class FleetFeeder implements AutoCloseable {
    /** Events published ahead of the committed ledger at most. */
    private static final int WINDOW = 600;

    private final List<VmEvent> events;
    private final EventPublisher publisher;
    private final CommittedLedger ledger;
    private final Thread thread;
    private final Object lock = new Object();
    // guarded by lock
    private int allowed;
    private int committed;
    private Throwable failure;
    private volatile boolean stopped;

    FleetFeeder(String bootstrap, Topics topics, List<VmEvent> events) {
        this.events = events;
        this.publisher = new EventPublisher(bootstrap, topics.events(), Map.of());
        this.ledger = new CommittedLedger(bootstrap, topics.ledger().name());
        this.thread = new Thread(this::run, "fleet-feeder");
        thread.setDaemon(true);
        thread.start();
    }

    /** Lets the feeder publish the fleet's first {@code n} events. */
    void allow(int n) {
        synchronized (lock) {
            allowed = Math.min(events.size(), Math.max(allowed, n));
        }
    }

    /** Ledger entries committed so far (as last read). */
    int committed() {
        synchronized (lock) {
            return committed;
        }
    }

    /** Waits until at least {@code n} ledger entries are committed; the count then. */
    int awaitCommitted(int n, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (lock) {
            while (committed < n && failure == null) {
                long left = deadline - System.nanoTime();
                assertTrue(
                        left > 0,
                        "only " + committed + " of " + n + " ledger entries within " + wait);
                lock.wait(Math.max(1, left / 1_000_000));
            }
            if (failure != null) {
                throw new AssertionError("the feeder failed", failure);
            }
            return committed;
        }
    }

    private void run() {
        int sent = 0;
        try {
            while (!stopped) {
                int read = ledger.read();
                int target;
                synchronized (lock) {
                    committed = read;
                    lock.notifyAll();
                    target = Math.min(allowed, read + WINDOW);
                }
                while (sent < target) {
                    publisher.send(events.get(sent++));
                }
            }
        } catch (Throwable t) {
            synchronized (lock) {
                failure = t;
                lock.notifyAll();
            }
        }
    }

    @Override
    public void close() {
        try {
            stopped = true;
            thread.join(30_000);
            publisher.close();
            ledger.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
