package io.vmledger.schema.codec;

import io.vmledger.core.alert.Alert;
import io.vmledger.schema.Severity;

/** Adapts the domain core's {@link Alert} to the Avro alert record ({@code Alert.avsc}). */
public final class AlertEncoder {
    /** Avro severity by domain severity ordinal (both list info, warning). */
    private static final Severity[] SEVERITY = {Severity.info, Severity.warning};

    private AlertEncoder() {
    }

    /** The Avro record of {@code a}. */
    public static io.vmledger.schema.Alert encode(Alert a) {
        return io.vmledger.schema.Alert.newBuilder()
                .setRule(a.rule().label())
                .setSeverity(SEVERITY[a.severity().ordinal()])
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
}
