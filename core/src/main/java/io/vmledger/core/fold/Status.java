package io.vmledger.core.fold;

/**
 * What happened to an input event: every input ends in exactly one of these (trace-and-replay §3).
 */
public enum Status {
    /** Applied. */
    OK,
    /** Rejected with an errno; nothing changed unless the kernel has a partial effect. */
    ERROR,
    /** Its seq was not above the device's last applied seq: ignored. */
    DUPLICATE,
    /** Unreadable: not decoded into an event at all. */
    BAD_EVENT
}
