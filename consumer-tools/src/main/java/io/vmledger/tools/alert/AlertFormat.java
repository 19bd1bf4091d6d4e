package io.vmledger.tools.alert;

import io.vmledger.schema.Alert;
import io.vmledger.schema.json.JsonOut;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * How {@code vmledger alerts} prints an alert: a table row under {@link #HEADER} (time, severity,
 * rule, device, vm, bo, evidence) or one JSON object per line with every field of the record. Times
 * are the device event time the alert was raised, in UTC with microseconds.
 */
public final class AlertFormat {
    private static final String ROW = "%-27s %-8s %-25s %-16s %6s %20s  %s";

    /** The table header. */
    public static final String HEADER =
            String.format(ROW, "TIME", "SEVERITY", "RULE", "DEVICE", "VM", "BO", "EVIDENCE");

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private AlertFormat() {}

    /**
     * The time of {@code us} microseconds since the epoch, e.g. {@code
     * 2026-01-01T00:00:30.000000Z}.
     */
    public static String time(long us) {
        return TIME.format(Instant.EPOCH.plus(us, ChronoUnit.MICROS));
    }

    /** One table row. */
    public static String row(Alert a) {
        return String.format(
                ROW,
                time(a.getRaised()),
                a.getSeverity(),
                a.getRule(),
                a.getDevice(),
                a.getVm() == null ? "-" : Long.toUnsignedString(a.getVm()),
                a.getBo() == null ? "-" : Long.toUnsignedString(a.getBo()),
                a.getEvidence());
    }

    /** One JSON line. */
    public static String json(Alert a) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"time\":");
        JsonOut.string(b, time(a.getRaised()));
        b.append(",\"severity\":\"").append(a.getSeverity()).append("\",\"rule\":");
        JsonOut.string(b, a.getRule());
        b.append(",\"device\":");
        JsonOut.string(b, a.getDevice());
        b.append(",\"vm\":");
        nullableU64(b, a.getVm());
        b.append(",\"bo\":");
        nullableU64(b, a.getBo());
        b.append(",\"evidence\":");
        JsonOut.string(b, a.getEvidence());
        b.append(",\"value\":")
                .append(a.getValue())
                .append(",\"limit\":")
                .append(a.getLimit())
                .append(",\"bytes\":")
                .append(a.getBytes())
                .append(",\"first_seen\":")
                .append(a.getFirstSeen())
                .append(",\"raised\":")
                .append(a.getRaised())
                .append(",\"seq\":");
        JsonOut.u64(b, a.getSeq());
        return b.append('}').toString();
    }

    private static void nullableU64(StringBuilder b, Long v) {
        if (v == null) {
            b.append("null");
        } else {
            JsonOut.u64(b, v);
        }
    }
}
