package io.vmledger.producer.sim;

import io.vmledger.schema.json.JsonOut;
import java.util.Objects;

/**
 * One ground-truth label beside the simulated events: which bug the device made, at which event
 * ({@code device}, {@code seq}, {@code ts}), on which objects, and which alert rule should catch
 * it. For {@link BugKind#INVALID} labels, {@code errno} is the error the kernel must return.
 *
 * @param kind the bug
 * @param bo the BO concerned, or null
 * @param vm the VM concerned (0 = display VM), or null
 * @param fb the framebuffer concerned, or null
 * @param errno the expected errno name of an invalid ioctl, else null
 */
public record GroundTruth(
        BugKind kind, String device, long seq, long ts, Long bo, Long vm, Long fb, String errno) {
    public GroundTruth {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(device, "device");
        if ((kind == BugKind.INVALID) != (errno != null)) {
            throw new IllegalArgumentException(
                    "errno is given for invalid labels and only for them");
        }
    }

    /**
     * The label as one JSON line (no terminator): {@code
     * {"truth","device","seq","ts","bo","vm","fb","rule"[,"errno"]}}, nulls written as null.
     */
    public String toJson() {
        StringBuilder out = new StringBuilder(160);
        out.append("{\"truth\":");
        JsonOut.string(out, kind.label());
        out.append(",\"device\":");
        JsonOut.string(out, device);
        out.append(",\"seq\":").append(seq).append(",\"ts\":").append(ts);
        out.append(",\"bo\":")
                .append(bo)
                .append(",\"vm\":")
                .append(vm)
                .append(",\"fb\":")
                .append(fb);
        out.append(",\"rule\":");
        if (kind.rule() == null) {
            out.append("null");
        } else {
            JsonOut.string(out, kind.rule());
        }
        if (errno != null) {
            out.append(",\"errno\":");
            JsonOut.string(out, errno);
        }
        return out.append('}').toString();
    }
}
