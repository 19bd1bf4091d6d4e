package io.vmledger.core.state;

/** Per-device bookkeeping, stored under key {@code (0)}: the last applied seq and event time. */
public record DeviceRecord(long lastSeq, long lastTs) {}
