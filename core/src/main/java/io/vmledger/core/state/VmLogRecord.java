package io.vmledger.core.state;

/**
 * A VM-log entry as vmledger stores it under key {@code (vm, n)}: the entry the kernel logs (§3.8)
 * plus the device event that wrote it, which the kernel does not record but which a person
 * attributing a fault needs (which op unmapped an address, when, from which queue).
 *
 * @param seq the device seq of the event that logged the entry (0 when unknown: state written
 *     before vmledger kept it)
 * @param ts that event's time, µs since the epoch (0 when unknown)
 * @param bo for a map, the BO it mapped (null: an unmap, a NULL mapping, or unknown because the
 *     entry was written before vmledger kept it)
 * @param offset for a map of a BO, the BO offset mapped at {@code entry.iova()}
 */
public record VmLogRecord(VmLogEntry entry, long seq, long ts, Long bo, long offset) {
    /** An entry without BO identity. */
    public VmLogRecord(VmLogEntry entry, long seq, long ts) {
        this(entry, seq, ts, null, 0);
    }
}
