package io.vmledger.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded random JSON trace of one device for history tests: a VM_BIND context, then BOs created,
 * handled, vmapped and mapped/unmapped at a few addresses (so VAs split and some ops fail with an
 * errno), a repeated seq now and then (a duplicate), and event times that advance by 0 to 2.5 ms
 * (several events share a millisecond or a microsecond; a few lines omit {@code ts}).
 */
public final class RandomDeviceTrace {
    private RandomDeviceTrace() {}

    /** A trace line with its device seq and event time (µs, after filling in an absent ts). */
    public record Line(String json, long seq, long ts) {}

    /** {@code n} events of {@code device} from time {@code start} (µs). */
    public static List<Line> of(String device, long seed, int n, long start) {
        Random r = new Random(seed);
        List<Line> out = new ArrayList<>();
        long ts = start;
        long seq = 0;
        int bos = 0;
        for (int i = 0; i < n; i++) {
            String body;
            if (i == 0) {
                body = "\"type\":\"file_open\",\"file\":1,\"vm_bind\":true";
            } else if (i == 1) {
                body = "\"type\":\"submitqueue_new\",\"file\":1,\"queue\":1,\"vm_bind\":true";
            } else {
                int bo = bos == 0 ? 1 : 1 + r.nextInt(bos);
                long iova = 0x100000000L + (long) r.nextInt(8) * 0x10000L;
                body =
                        switch (bos == 0 ? 0 : r.nextInt(10)) {
                            case 0 ->
                                    "\"type\":\"bo_new\",\"file\":1,\"bo\":"
                                            + (++bos)
                                            + ",\"size\":65536";
                            case 1 -> "\"type\":\"handle_open\",\"file\":1,\"bo\":" + bo;
                            case 2 -> "\"type\":\"handle_close\",\"file\":1,\"bo\":" + bo;
                            case 3 -> "\"type\":\"vmap\",\"bo\":" + bo;
                            case 4 -> "\"type\":\"vunmap\",\"bo\":" + bo;
                            case 5, 6, 7 ->
                                    bind(
                                            "map",
                                            String.valueOf(bo),
                                            iova,
                                            0x1000L * (1 + r.nextInt(16)));
                            default ->
                                    bind(
                                            "unmap",
                                            "null",
                                            iova + 0x1000L * r.nextInt(4),
                                            0x1000L * (1 + r.nextInt(8)));
                        };
            }
            ts += r.nextInt(4) == 0 ? 0 : r.nextInt(2500);
            boolean duplicate = seq > 2 && r.nextInt(40) == 0;
            long s = duplicate ? seq - 1 : ++seq;
            boolean noTs = i > 0 && r.nextInt(25) == 0;
            String json =
                    "{\"device\":\""
                            + device
                            + "\",\"seq\":"
                            + s
                            + (noTs ? "" : ",\"ts\":" + ts)
                            + ","
                            + body
                            + "}";
            out.add(new Line(json, s, ts));
            if (noTs) {
                ts = out.size() > 1 ? out.get(out.size() - 2).ts() : ts;
                out.set(out.size() - 1, new Line(json, s, ts));
            }
        }
        return out;
    }

    private static String bind(String op, String bo, long iova, long range) {
        return "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":\""
                + op
                + "\",\"bo\":"
                + bo
                + ",\"iova\":"
                + iova
                + ",\"range\":"
                + range
                + "}]";
    }
}
