package io.vmledger.engine.query;

import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.query.VaBuckets;
import io.vmledger.core.query.VmView;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.VmRecord;
import io.vmledger.schema.json.JsonOut;
import io.vmledger.schema.json.StateJson;
import java.util.List;

/** The JSON of the web UI's views: a VM map at a resolution and a device's overview. */
final class MapJson {
    /** The most BOs an overview lists. */
    static final int MAX_BOS = 1000;

    private MapJson() {}

    /**
     * {@code /devices/{d}/vms/{vm}/map}: the VM's window, page-table stats, and the items drawing
     * {@code [from, to]} in {@code px} buckets ({@link VaBuckets}); {@code seq} is the ledger entry
     * the state is as of, or null for now.
     */
    static String map(
            String device,
            VmView view,
            Long seq,
            long from,
            long to,
            int px,
            List<VaBuckets.Item> items) {
        StringBuilder b = new StringBuilder(128 + items.size() * 96);
        b.append("{\"device\":");
        JsonOut.string(b, device);
        b.append(",\"vm\":");
        JsonOut.u64(b, view.vm().vm());
        b.append(",\"seq\":").append(seq == null ? "null" : Long.toUnsignedString(seq));
        b.append(",\"mode\":\"").append(view.vm().mode().label()).append('"');
        b.append(",\"window\":{\"start\":");
        JsonOut.u64(b, view.vm().window().start());
        b.append(",\"size\":");
        JsonOut.u64(b, view.vm().window().size());
        b.append("},\"from\":");
        JsonOut.u64(b, from);
        b.append(",\"to\":");
        JsonOut.u64(b, to);
        b.append(",\"px\":").append(px);
        b.append(",\"pagetable\":");
        StateJson.pagetable(b, view.pagetable());
        b.append(",\"items\":[");
        for (int i = 0; i < items.size(); i++) {
            VaBuckets.Item it = items.get(i);
            b.append(i == 0 ? "{\"addr\":" : ",{\"addr\":");
            JsonOut.u64(b, it.addr());
            b.append(",\"range\":");
            JsonOut.u64(b, it.range());
            b.append(",\"vas\":").append(it.vas());
            b.append(",\"bo_bytes\":");
            JsonOut.u64(b, it.boBytes());
            b.append(",\"null_bytes\":");
            JsonOut.u64(b, it.nullBytes());
            b.append(",\"bo\":");
            if (it.bo() == null) {
                b.append("null");
            } else {
                JsonOut.u64(b, it.bo());
            }
            b.append(",\"mixed\":").append(it.mixed());
            b.append(",\"offset\":");
            JsonOut.u64(b, it.offset());
            b.append(",\"dump\":").append(it.dump()).append('}');
        }
        return b.append("]}").toString();
    }

    /**
     * {@code /devices/{d}/overview}: last seq and time, display-VMA unmaps the lazy teardown saved,
     * VM and VA counts, the fdinfo-style summary and the live BOs (the first {@link #MAX_BOS} by
     * id).
     */
    static String overview(String device, DeviceQueries q, Long seq) {
        List<VmView> vms = q.vmsWithoutVas();
        long vas = 0;
        StringBuilder vmJson = new StringBuilder();
        for (VmView v : vms) {
            VmRecord r = v.vm();
            int n = q.vas(r.vm(), 0, -1L).size();
            vas += n;
            vmJson.append(vmJson.length() == 0 ? "{\"vm\":" : ",{\"vm\":");
            JsonOut.u64(vmJson, r.vm());
            vmJson.append(",\"mode\":\"").append(r.mode().label()).append('"');
            vmJson.append(",\"vas\":").append(n);
            vmJson.append(",\"unusable\":").append(r.unusable());
            vmJson.append(",\"closed\":").append(r.closed());
            vmJson.append(",\"ptes\":").append(v.pagetable().ptes()).append('}');
        }
        var s = q.summary();
        StringBuilder b = new StringBuilder(256);
        b.append("{\"device\":");
        JsonOut.string(b, device);
        b.append(",\"seq\":").append(seq == null ? "null" : Long.toUnsignedString(seq));
        b.append(",\"last_seq\":");
        JsonOut.u64(b, q.device().lastSeq());
        b.append(",\"last_ts\":").append(q.device().lastTs());
        b.append(",\"display_unmaps_avoided\":").append(q.device().displayUnmapsAvoided());
        b.append(",\"vm_count\":").append(vms.size());
        b.append(",\"va_count\":").append(vas);
        b.append(",\"summary\":{\"bos\":").append(s.bos());
        b.append(",\"total\":").append(s.total());
        b.append(",\"shared\":").append(s.shared());
        b.append(",\"resident\":").append(s.resident());
        b.append(",\"purgeable\":").append(s.purgeable()).append('}');
        b.append(",\"vms\":[").append(vmJson).append("],\"bos\":[");
        int listed = 0;
        for (BoRecord bo : q.bos()) {
            if (!bo.alive() || listed == MAX_BOS) {
                continue;
            }
            b.append(listed++ == 0 ? "" : ",").append(StateJson.bo(device, bo));
        }
        return b.append("]}").toString();
    }
}
