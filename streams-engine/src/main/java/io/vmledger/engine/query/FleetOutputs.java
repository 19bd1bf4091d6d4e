package io.vmledger.engine.query;

import io.vmledger.schema.Coredump;
import io.vmledger.schema.CoredumpFault;
import io.vmledger.schema.CoredumpTouch;
import io.vmledger.schema.json.JsonOut;
import io.vmledger.schema.topic.Topic;
import io.vmledger.schema.topic.Topics;
import io.vmledger.tools.alert.AlertFormat;
import io.vmledger.tools.coredump.DevcoredumpWriter;
import io.vmledger.tools.kafka.TopicReader;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the engine wrote to its alerts and coredumps topics, read back for the web UI: {@code
 * /alerts} and {@code /coredumps} (optionally {@code ?device=}), the newest {@link #KEEP} of each,
 * oldest first. Every request reads the committed topic from its start (a fixed prefix, {@link
 * TopicReader#next}); a coredump is summarised (device, seq, time, VM, reason, the fault, the
 * devcoredump's one-line diagnosis and the newest VM-log entry that touched the fault page), not
 * dumped whole.
 */
final class FleetOutputs {
    /** The most records one answer lists (the newest). */
    static final int KEEP = 2000;

    private final String bootstrap;
    private final Topics topics;

    FleetOutputs(String bootstrap, Topics topics) {
        this.bootstrap = bootstrap;
        this.topics = topics;
    }

    /** {@code {"alerts":[...]}} of {@code device} (or all devices if null). */
    String alerts(String device) {
        Deque<String> rows = new ArrayDeque<>();
        read(
                topics.alerts(),
                a -> {
                    if (device == null || device.equals(a.getDevice())) {
                        keep(rows, AlertFormat.json(a));
                    }
                });
        return "{\"alerts\":[" + String.join(",", rows) + "]}";
    }

    /** {@code {"coredumps":[...]}} of {@code device} (or all devices if null). */
    String coredumps(String device) {
        Deque<String> rows = new ArrayDeque<>();
        read(
                topics.coredumps(),
                c -> {
                    if (device == null || device.equals(c.getDevice())) {
                        keep(rows, coredump(c));
                    }
                });
        return "{\"coredumps\":[" + String.join(",", rows) + "]}";
    }

    private <V> void read(Topic<String, V> topic, Consumer<V> out) {
        try (TopicReader<String, V> r = TopicReader.all(bootstrap, topic)) {
            for (ConsumerRecord<byte[], byte[]> rec = r.next(); rec != null; rec = r.next()) {
                V v;
                try {
                    v = r.value(rec);
                } catch (RuntimeException undecodable) {
                    continue; // not the engine's record: nothing to show
                }
                out.accept(v);
            }
        }
    }

    private static void keep(Deque<String> rows, String row) {
        rows.addLast(row);
        if (rows.size() > KEEP) {
            rows.removeFirst();
        }
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
