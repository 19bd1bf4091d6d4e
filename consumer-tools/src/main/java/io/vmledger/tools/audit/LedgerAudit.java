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
        byte[] key = topics.ledger().serializeKey(device);
        long read = 0;
        try (TopicReader<String, LedgerEntry> ledger =
                        TopicReader.partitionOf(bootstrap, topics.ledger(), device)
                                .fromTime(fromMs);
                DeviceEvents events =
                        new DeviceEvents(
                                TopicReader.partitionOf(bootstrap, topics.events(), device)
                                        .fromTime(fromMs),
                                device)) {
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
                                    + topics.ledger().name()
                                    + " has no event of device '"
                                    + device
                                    + "' in "
                                    + topics.events().name());
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
                long ts = entry.getTs() == null ? 0 : entry.getTs();
                if (ts < from || ts > to) {
                    continue;
                }
                read++;
                if (touches.match(entry, e.event())) {
                    out.accept(new Match(entry, e.event()));
                }
            }
        }
        return read;
    }
}
