package io.vmledger.producer.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * A synthetic multi-device VM_BIND churn trace (JSON lines) for tests and benchmarks: per device a
 * VM_BIND file and queue, some BOs, then rounds of MAP, partial UNMAP (splitting VAs) and MAP_NULL
 * at rotating addresses.
 */
public final class ChurnTrace {
    private ChurnTrace() {}

    /**
     * {@code devices} devices, {@code rounds} rounds of four VM_BINDs each, device after device;
     * every event is valid.
     */
    public static List<String> lines(int devices, int rounds) {
        List<String> out = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            String dev = "churn-" + d;
            long[] seq = {0};
            add(out, dev, seq, "\"type\":\"file_open\",\"file\":1,\"vm_bind\":true");
            add(
                    out,
                    dev,
                    seq,
                    "\"type\":\"submitqueue_new\",\"file\":1,\"queue\":1,\"vm_bind\":true");
            for (int bo = 1; bo <= 8; bo++) {
                add(
                        out,
                        dev,
                        seq,
                        "\"type\":\"bo_new\",\"file\":1,\"bo\":"
                                + bo
                                + ",\"size\":1048576,\"name\":\"buf"
                                + bo
                                + "\"");
            }
            for (int r = 0; r < rounds; r++) {
                long iova = 0x100000000L + (long) (r % 16) * 0x200000L;
                int bo = 1 + r % 8;
                add(out, dev, seq, bind("map", String.valueOf(bo), 0, iova, 0x100000));
                add(out, dev, seq, bind("unmap", "null", 0, iova + 0x40000, 0x20000));
                add(out, dev, seq, bind("map_null", "null", 0, iova + 0x40000, 0x10000));
                add(out, dev, seq, bind("unmap", "null", 0, iova, 0x100000));
            }
        }
        return out;
    }

    private static String bind(String op, String bo, long offset, long iova, long range) {
        return "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":\""
                + op
                + "\",\"bo\":"
                + bo
                + ",\"obj_offset\":"
                + offset
                + ",\"iova\":"
                + iova
                + ",\"range\":"
                + range
                + "}]";
    }

    private static void add(List<String> out, String device, long[] seq, String body) {
        out.add(
                "{\"device\":\""
                        + device
                        + "\",\"seq\":"
                        + (++seq[0])
                        + ",\"ts\":"
                        + (1000 * seq[0])
                        + ","
                        + body
                        + "}");
    }
}
