package io.vmledger.engine.query;

import io.vmledger.schema.Alert;
import io.vmledger.schema.Coredump;
import io.vmledger.schema.CoredumpFault;
import io.vmledger.schema.CoredumpTouch;
import io.vmledger.schema.json.JsonOut;
import io.vmledger.schema.topic.Topics;
import io.vmledger.tools.alert.AlertFormat;
import io.vmledger.tools.coredump.DevcoredumpWriter;
import java.util.List;

/**
 * What the engine wrote to its alerts and coredumps topics, read back for the web UI: {@code
 * /alerts} and {@code /coredumps} (optionally {@code ?device=}), the newest {@link #KEEP} of each,
 * oldest first, each topic followed by an {@link OutputTail}. A coredump is summarised (device,
 * seq, time, VM, reason, the fault, the devcoredump's one-line diagnosis and the newest VM-log
 * entry that touched the fault page), not dumped whole.
 */
final class FleetOutputs {
    /** The most records one answer lists (the newest). */
    static final int KEEP = 2000;

    private final OutputTail<Alert> alerts;
    private final OutputTail<Coredump> coredumps;

    FleetOutputs(String bootstrap, Topics topics) {
        this.alerts =
                new OutputTail<>(
                        bootstrap, topics.alerts(), Alert::getDevice, AlertFormat::json, KEEP);
        this.coredumps =
                new OutputTail<>(
                        bootstrap,
                        topics.coredumps(),
                        Coredump::getDevice,
                        FleetOutputs::coredump,
                        KEEP);
    }

    /** {@code {"alerts":[...]}} of {@code device} (or all devices if null). */
    String alerts(String device) {
        return "{\"alerts\":[" + String.join(",", alerts.rows(device)) + "]}";
    }

    /** {@code {"coredumps":[...]}} of {@code device} (or all devices if null). */
    String coredumps(String device) {
        return "{\"coredumps\":[" + String.join(",", coredumps.rows(device)) + "]}";
    }

    private static String coredump(Coredump c) {
        StringBuilder b = new StringBuilder(160);
        b.append("{\"device\":");
        JsonOut.string(b, c.getDevice());
        b.append(",\"seq\":").append(c.getSeq());
        b.append(",\"ts\":").append(c.getTs());
        b.append(",\"vm\":");
        JsonOut.u64(b, c.getVm());
        b.append(",\"reason\":\"").append(c.getReason()).append('"');
        b.append(",\"vm_unusable\":").append(c.getVmUnusable());
        CoredumpFault f = c.getFault();
        if (f != null) {
            b.append(",\"iova\":");
            JsonOut.u64(b, f.getIova());
            b.append(",\"write\":").append(f.getWrite());
            b.append(",\"fault_type\":");
            JsonOut.string(b, f.getType());
        }
        String diagnosis = DevcoredumpWriter.diagnosis(c);
        if (diagnosis != null) {
            b.append(",\"diagnosis\":");
            JsonOut.string(b, diagnosis);
            List<CoredumpTouch> h = c.getAttribution().getHistory();
            if (!h.isEmpty()) {
                b.append(",\"last_touch\":{\"op\":");
                JsonOut.string(b, h.get(0).getOp());
                b.append(",\"seq\":");
                JsonOut.u64(b, h.get(0).getSeq());
                b.append('}');
            }
        }
        return b.append('}').toString();
    }
}
