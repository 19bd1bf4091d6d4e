package io.vmledger.core.state;

/**
 * A VM-log entry as vmledger stores it under key {@code (vm, n)}: the entry the kernel logs (§3.8)
 * plus the device event that wrote it, which the kernel does not record but which a person
 * attributing a fault needs (which op unmapped an address, when, from which queue).
 *
 * @param seq the device seq of the event that logged the entry (0 when unknown: state written
 *     before vmledger kept it)
 * @param ts that event's time, µs since the epoch (0 when unknown)
 */
public record VmLogRecord(VmLogEntry entry, long seq, long ts) {}
