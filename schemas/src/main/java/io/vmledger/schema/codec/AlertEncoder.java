package io.vmledger.schema.codec;

import io.vmledger.core.alert.Alert;
import io.vmledger.schema.Severity;

/** Adapts the domain core's {@link Alert} to the Avro alert record ({@code Alert.avsc}). */
public final class AlertEncoder {
    private AlertEncoder() {}

    /** The Avro record of {@code a}. */
    public static io.vmledger.schema.Alert encode(Alert a) {
        return io.vmledger.schema.Alert.newBuilder()
                .setRule(a.rule().label())
                .setSeverity(severity(a.severity()))
                .setDevice(a.device())
                .setVm(a.vm())
                .setBo(a.bo())
                .setEvidence(a.evidence())
                .setValue(a.value())
                .setLimit(a.limit())
                .setBytes(a.bytes())
                .setFirstSeen(a.firstSeen())
                .setRaised(a.raised())
                .setSeq(a.seq())
                .build();
    }

    /**
     * The Avro severity of {@code s}, by name: alerts carry it as the index of its symbol in the
     * schema's list (the schema's contract), never as the domain ordinal.
     */
    private static Severity severity(io.vmledger.core.alert.Severity s) {
        return switch (s) {
            case INFO -> Severity.info;
            case WARNING -> Severity.warning;
        };
    }
}
