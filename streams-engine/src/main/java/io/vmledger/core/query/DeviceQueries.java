package io.vmledger.core.query;

import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.fold.FoldContext;
import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.msm.DeviceModel;
import io.vmledger.core.msm.VmLog;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.state.VmLogEntry;
import io.vmledger.core.state.Vma;
import io.vmledger.core.state.VmRecord;
import io.vmledger.core.store.CompositeKey;
import io.vmledger.core.store.Cursor;
import java.util.ArrayList;
import java.util.List;

/** Read-only views of one device's state, for {@code replay --state} and interactive queries. */
public final class DeviceQueries {
    private final DeviceTables tables;
    private final DeviceModel model;

    public DeviceQueries(DeviceTables tables, FoldConfig config) {
        this.tables = tables;
        this.model = new DeviceModel(new FoldContext(tables, config));
    }

    /** Every VM, ascending by vm id. */
    public List<VmView> vms() {
        List<VmRecord> vms = new ArrayList<>();
        try (Cursor<VmRecord> c = tables.vms().range(CompositeKey.of(0), CompositeKey.lastOf(-1L))) {
            while (c.hasNext()) {
                vms.add(c.next().getValue());
            }
        }
        List<VmView> out = new ArrayList<>(vms.size());
        for (VmRecord vm : vms) {
            out.add(vm(vm));
        }
        return out;
    }

    /** One VM's view. */
    public VmView vm(VmRecord vm) {
        List<Va> vas = new ArrayList<>();
        for (Vma vma : model.vaSpace().all(vm.vm())) {
            vas.add(vma.va());
        }
        VmLog log = model.vmLog();
        List<VmLogEntry> ring = log.ring(vm.vm());
        boolean omits = log.kernelView(vm.vm()).size() < ring.size();
        return new VmView(vm, vas, model.pageTable().stats(vm.vm()), ring, log.count(vm.vm()), omits);
    }

    /** Every BO ever created (freed ones with {@code alive=false}), ascending by id. */
    public List<BoRecord> bos() {
        List<BoRecord> out = new ArrayList<>();
        try (Cursor<BoRecord> c = tables.bos().range(CompositeKey.of(0), CompositeKey.lastOf(-1L))) {
            while (c.hasNext()) {
                out.add(c.next().getValue());
            }
        }
        return out;
    }
}
