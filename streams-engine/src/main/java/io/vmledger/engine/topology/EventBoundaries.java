package io.vmledger.engine.topology;

import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Where queries meet the fold: lets a query, which reads several stores one key or range at a time
 * while a stream thread writes them, tell whether what it read is the state at one event boundary
 * of its device, and whether the device's partition is served here at all.
 *
 * <p><b>Why queries need it.</b> The fold changes a device's stores at the end of each event, one
 * key after the other ({@code DeviceState.flush}: device record, VMs, VAs, BOs, page tables, the BO
 * history, the VM log). A query for a device's summary reads the device record and then scans its
 * BOs: without coordination it can take {@code last_seq} from one event and the resident bytes from
 * the next, a torn answer that no {@code replay --state} ever prints. And a store can be open while
 * its task is still restoring from the changelog (or was just revoked), where a device that exists
 * reads as absent: a 404 where the truth is "not here yet".
 *
 * <p><b>The design: a striped seqlock, plus one epoch per partition.</b> Devices are hashed onto
 * {@value #STRIPES} stripes; each stripe has two counters, events {@code begun} and events {@code
 * ended}. The stream thread bumps {@code begun} before it applies an event (or a sweep) of a device
 * and {@code ended} after its last store write; a query notes {@code begun} while {@code begun ==
 * ended} (no writer inside), reads, and accepts what it read only if {@code begun} has not moved
 * since (else it reads again). Two counters, not one odd/even counter, because several stream
 * threads may write devices of the same stripe at once. A partition's epoch is set when the fold's
 * processor is initialised for the task (Kafka Streams does that once the task's stores are
 * restored) and cleared when it is closed (revoked, suspended, corrupted); a query whose partition
 * has no epoch, or whose epoch changed while it read, is answered 503.
 *
 * <p>Why this and not something else: queries share no heap structure of the fold (the working set
 * is touched by the stream thread only) and never block it: the fold only increments two atomic
 * counters per event, and a query that loses the race simply reads again. A lock held across the
 * end-of-event writes would let a slow query stall the fold (architecture: "no query can block the
 * fold"); copy-on-write snapshots of the device would cost the fold an allocation per event. Kafka
 * Streams' own position vectors (IQv2 consistency bounds) cannot be used: IQv2 on RocksDB deadlocks
 * with the stream thread (KAFKA-19629), and positions are per store, not per event.
 *
 * <p>The counters cover only this instance: a query answered by another instance is validated
 * there, against that instance's own counters.
 */
public final class EventBoundaries {
    /** Stripes devices are hashed onto: collisions only cost a query a retry. */
    static final int STRIPES = 4096;

    // per stripe: events whose writes began / ended; begun >= ended, equal when no writer is inside
    private final AtomicLongArray begun = new AtomicLongArray(STRIPES);
    private final AtomicLongArray ended = new AtomicLongArray(STRIPES);

    // the partitions whose fold processor is initialised here, each with the epoch it was given
    private final ConcurrentHashMap<Integer, Long> open = new ConcurrentHashMap<>();
    private final AtomicLong epochs = new AtomicLong();

    /**
     * What a query noted before it read: valid with {@link #unchanged} if no event of its device
     * began and its partition was not closed or reopened since.
     */
    public record Stamp(int stripe, long begun, int partition, long epoch) {}

    /**
     * Stream thread: the events of {@code partition} are folded here from now on; returns the epoch
     * to close it with.
     */
    long opened(int partition) {
        long epoch = epochs.incrementAndGet();
        open.put(partition, epoch);
        return epoch;
    }

    /**
     * Stream thread: {@code partition} is no longer folded here (its task, opened at {@code epoch},
     * closes); a later opening of the partition, by another thread, stays.
     */
    void closed(int partition, long epoch) {
        open.remove(partition, epoch);
    }

    /**
     * Stream thread: about to change {@code device}'s stores; returns the stripe for {@link #end}.
     */
    int begin(String device) {
        int stripe = stripe(device);
        begun.incrementAndGet(stripe);
        return stripe;
    }

    /** Stream thread: done changing the device's stores (its event or sweep is fully written). */
    void end(int stripe) {
        ended.incrementAndGet(stripe);
    }

    /** Whether the fold of {@code partition} runs here (its stores restored). */
    public boolean serves(int partition) {
        return open.containsKey(partition);
    }

    /**
     * A stamp to read {@code device} of {@code partition} with, or null if its partition is not
     * served here or an event of its stripe is being written right now (try again).
     */
    public Stamp stamp(String device, int partition) {
        Objects.requireNonNull(device, "device cannot be null");
        Long epoch = open.get(partition);
        if (epoch == null) {
            return null;
        }
        int stripe = stripe(device);
        // ended first: begun is read after it and is >= it, so equality means no writer was inside
        // at the moment ended was read and none began before begun was read
        long e = ended.get(stripe);
        long b = begun.get(stripe);
        return b == e ? new Stamp(stripe, b, partition, epoch) : null;
    }

    /** Whether what was read since {@code stamp} was taken is one event boundary's state. */
    public boolean unchanged(Stamp stamp) {
        // the query's store reads must not move past the check (as StampedLock.validate)
        VarHandle.acquireFence();
        return begun.get(stamp.stripe()) == stamp.begun()
                && Long.valueOf(stamp.epoch()).equals(open.get(stamp.partition()));
    }

    private static int stripe(String device) {
        int h = device.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }
}
