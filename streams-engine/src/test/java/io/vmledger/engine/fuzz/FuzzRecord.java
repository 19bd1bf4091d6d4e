package io.vmledger.engine.fuzz;

import java.util.HexFormat;

/**
 * One record the fuzz feeds the engine's events topic: its raw key and value (either may be null),
 * its record timestamp, and which {@link Mutation} made it, for the failure message.
 */
record FuzzRecord(Mutation kind, byte[] key, byte[] value, long timestampMs) {

    /** The record in a few words: kind, key and value sizes, the value's first bytes in hex. */
    String describe() {
        return kind
                + ", key "
                + size(key)
                + ", value "
                + size(value)
                + (value == null || value.length == 0
                        ? ""
                        : " "
                                + HexFormat.of().formatHex(value, 0, Math.min(value.length, 48))
                                + (value.length > 48 ? "..." : ""))
                + ", timestamp "
                + timestampMs;
    }

    private static String size(byte[] b) {
        return b == null ? "null" : b.length + " bytes";
    }
}
