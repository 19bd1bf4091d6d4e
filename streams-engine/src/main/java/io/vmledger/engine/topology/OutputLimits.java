package io.vmledger.engine.topology;

import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.topic.Topics;
import io.vmledger.schema.wire.Wire;
import java.util.List;

/**
 * Keeps every record the engine writes within {@link Topics#MAX_OUTPUT_BYTES}, so that no event,
 * however much it did, makes a record the broker refuses (which would fail the task on every
 * retry). A ledger entry over the limit (an unmap over hundreds of thousands of VAs lists a step
 * for each) is written without its steps, page-table ops and effects, and its reason says so: the
 * event was applied, and its outcome, seq and errno stay in the ledger.
 */
final class OutputLimits {
    /**
     * The largest value written: the record limit less room for the key (a device id, at most 128
     * bytes), headers and the record's own overhead.
     */
    static final int MAX_VALUE_BYTES = Topics.MAX_OUTPUT_BYTES - (64 << 10);

    private OutputLimits() {}

    /** The wire form of {@code entry}, cut to its outcome if whole it would be over the limit. */
    static byte[] ledger(LedgerEntry entry) {
        byte[] whole = Wire.ledger(entry);
        if (whole.length <= MAX_VALUE_BYTES) {
            return whole;
        }
        String note =
                "ledger entry of "
                        + whole.length
                        + " bytes is over the "
                        + Topics.MAX_OUTPUT_BYTES
                        + " bytes a record may have: steps, page-table ops and effects omitted";
        return Wire.ledger(
                LedgerEntry.newBuilder(entry)
                        .setOps(entry.getOps() == null ? null : List.of())
                        .setEffects(List.of())
                        .setReason(
                                entry.getReason() == null ? note : entry.getReason() + "; " + note)
                        .build());
    }

    /** Whether a coredump of this wire form fits a record. */
    static boolean fits(byte[] coredump) {
        return coredump.length <= MAX_VALUE_BYTES;
    }
}
