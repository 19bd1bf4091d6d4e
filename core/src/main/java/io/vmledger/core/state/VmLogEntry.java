package io.vmledger.core.state;

/**
 * One msm VM-log entry (§3.8), stored under key {@code (vm, n)} where n counts from 0: the table is
 * the full history; the kernel's 256-entry ring is its last entries.
 */
public record VmLogEntry(String op, long queue, long iova, long range) {}
