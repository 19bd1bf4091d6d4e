package io.vmledger.tools.audit;

import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.topic.Topics;
import io.vmledger.tools.kafka.TopicReader;
import java.util.Arrays;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Lists the ledger entries of a device that touched a VM, address or BO ({@link Touches}) in a
 * window of event time. Both the ledger and the events partition of the device are read from the
 * first record at or after the window's start ({@code offsetsForTimes}), and the device's entries
 * are paired with its events: the engine writes exactly one entry per event it folds, in order,
 * with the event's timestamp, so the n-th entry of the device is the outcome of its n-th event. The
 * event supplies what the entry does not carry (a handle's BO, a fault's address).
 */
public final class LedgerAudit {
    /** A matching entry and its event. */
    public record Match(LedgerEntry entry, VmEvent event) {}

    /**
     * Where reading a device's ledger and events partitions stopped: the offsets after the last
     * entry read and after its event ({@link #START}: nothing read yet).
     */
    public record Position(long ledger, long events) {
        /** Before the first record of both partitions. */
        public static final Position START = new Position(-1, -1);
    }

    private LedgerAudit() {}

    /**
     * Hands every entry of {@code device} with {@code from <= ts <= to} (µs) that {@code touches}
     * to {@code out}, in ledger order.
     *
     * @return entries of the device read in the window, matching or not
     */
    public static long scan(
            String bootstrap,
            Topics topics,
            String device,
            Touches touches,
            long from,
            long to,
            Consumer<Match> out) {
        long fromMs = Math.floorDiv(from, 1000);
        long[] read = {0};
        try (TopicReader<String, LedgerEntry> ledger =
                        TopicReader.partitionOf(bootstrap, topics.ledger(), device)
                                .fromTime(fromMs);
                DeviceEvents events =
                        new DeviceEvents(
                                TopicReader.partitionOf(bootstrap, topics.events(), device)
                                        .fromTime(fromMs),
                                device)) {
            pair(
                    ledger,
                    events,
                    device,
                    fromMs,
                    m -> {
                        long ts = m.entry().getTs() == null ? 0 : m.entry().getTs();
                        if (ts < from || ts > to) {
                            return;
                        }
                        read[0]++;
                        if (touches.match(m.entry(), m.event())) {
                            out.accept(m);
                        }
                    });
        }
        return read[0];
    }

    /**
     * Hands every entry of {@code device} after {@code at} to {@code out} with its event, in ledger
     * order, up to the end the topics have now.
     *
     * @return where to go on from next time
     */
    public static Position follow(
            String bootstrap, Topics topics, String device, Position at, Consumer<Match> out) {
        try (TopicReader<String, LedgerEntry> ledger =
                        TopicReader.partitionOf(bootstrap, topics.ledger(), device);
                DeviceEvents events = DeviceEvents.of(bootstrap, topics, device)) {
            if (at.ledger() >= 0) {
                ledger.seek(at.ledger());
                events.seek(at.events());
            }
            Position reached = pair(ledger, events, device, Long.MIN_VALUE, out);
            return reached == null ? at : reached;
        }
    }

    /**
     * Pairs the device's entries from {@code ledger} (record time at or after {@code fromMs}) with
     * its events from {@code events}: the n-th entry read with the n-th event.
     *
     * @return the position after the last pair, or null if there was none
     */
    private static Position pair(
            TopicReader<String, LedgerEntry> ledger,
            DeviceEvents events,
            String device,
            long fromMs,
            Consumer<Match> out) {
        byte[] key = ledger.topic().serializeKey(device);
        Position reached = null;
        for (ConsumerRecord<byte[], byte[]> r = ledger.next(); r != null; r = ledger.next()) {
            if (!Arrays.equals(key, r.key()) || r.timestamp() < fromMs) {
                continue;
            }
            DeviceEvents.Published e = events.next();
            while (e != null && e.timestampMs() < fromMs) {
                e = events.next();
            }
            if (e == null) {
                throw new IllegalStateException(
                        "ledger entry at offset "
                                + r.offset()
                                + " of "
                                + ledger.topic().name()
                                + " has no event of device '"
                                + device
                                + "'");
            }
            LedgerEntry entry = ledger.value(r);
            if (entry.getSeq() == null || entry.getSeq() != e.event().getSeq()) {
                throw new IllegalStateException(
                        "ledger entry seq "
                                + entry.getSeq()
                                + " of device '"
                                + device
                                + "' does not pair with event seq "
                                + e.event().getSeq()
                                + ": are these the engine's topics?");
            }
            out.accept(new Match(entry, e.event()));
            reached = new Position(r.offset() + 1, e.offset() + 1);
        }
        return reached;
    }
}
