package io.vmledger.schema.codec;

import io.vmledger.core.event.Event;
import io.vmledger.core.event.Madv;
import io.vmledger.core.event.SubmitBo;
import io.vmledger.core.event.VmBindOp;
import io.vmledger.schema.BoNew;
import io.vmledger.schema.DeviceInfo;
import io.vmledger.schema.DmabufExport;
import io.vmledger.schema.DmabufImport;
import io.vmledger.schema.DmabufRelease;
import io.vmledger.schema.FaultDir;
import io.vmledger.schema.FbCleanup;
import io.vmledger.schema.FbPrepare;
import io.vmledger.schema.FileClose;
import io.vmledger.schema.FileOpen;
import io.vmledger.schema.GetIova;
import io.vmledger.schema.GpuFault;
import io.vmledger.schema.GpuHang;
import io.vmledger.schema.HandleClose;
import io.vmledger.schema.HandleOpen;
import io.vmledger.schema.KmsVm;
import io.vmledger.schema.Madvise;
import io.vmledger.schema.SetName;
import io.vmledger.schema.Submit;
import io.vmledger.schema.SubmitRetired;
import io.vmledger.schema.SubmitqueueClose;
import io.vmledger.schema.SubmitqueueNew;
import io.vmledger.schema.VmBind;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.Vmap;
import io.vmledger.schema.Vunmap;
import java.util.ArrayList;
import java.util.List;

/** Adapts the Avro wire event ({@link VmEvent}'s payload) to the domain core's {@link Event}. */
public final class EventDecoder {
    private EventDecoder() {}

    /** The domain event of an Avro event's payload. */
    public static Event decode(VmEvent e) {
        Object p = e.getPayload();
        if (p instanceof FileOpen x) {
            return new Event.FileOpen(
                    x.getFile(), x.getVmBind(), x.getVaStart(), x.getVaSize(), x.getPrr());
        } else if (p instanceof FileClose x) {
            return new Event.FileClose(x.getFile());
        } else if (p instanceof KmsVm x) {
            return new Event.KmsVm(x.getVaStart(), x.getVaSize());
        } else if (p instanceof SubmitqueueNew x) {
            return new Event.SubmitqueueNew(x.getFile(), x.getQueue(), x.getVmBind());
        } else if (p instanceof SubmitqueueClose x) {
            return new Event.SubmitqueueClose(x.getFile(), x.getQueue());
        } else if (p instanceof BoNew x) {
            return new Event.BoNew(x.getFile(), x.getBo(), x.getSize(), x.getFlags(), x.getName());
        } else if (p instanceof HandleOpen x) {
            return new Event.HandleOpen(x.getFile(), x.getBo());
        } else if (p instanceof HandleClose x) {
            return new Event.HandleClose(x.getFile(), x.getBo());
        } else if (p instanceof SetName x) {
            return new Event.SetName(x.getBo(), x.getName());
        } else if (p instanceof Madvise x) {
            return new Event.Madvise(
                    x.getBo(), Madv.valueOf(x.getMadv().name().toUpperCase(java.util.Locale.ROOT)));
        } else if (p instanceof DmabufExport x) {
            return new Event.DmabufExport(x.getBo(), x.getDmabuf(), x.getFile());
        } else if (p instanceof DmabufImport x) {
            return new Event.DmabufImport(x.getFile(), x.getDmabuf());
        } else if (p instanceof DmabufRelease x) {
            return new Event.DmabufRelease(x.getDmabuf());
        } else if (p instanceof Vmap x) {
            return new Event.Vmap(x.getBo());
        } else if (p instanceof Vunmap x) {
            return new Event.Vunmap(x.getBo());
        } else if (p instanceof GetIova x) {
            return new Event.GetIova(x.getFile(), x.getBo(), x.getIova());
        } else if (p instanceof FbPrepare x) {
            return new Event.FbPrepare(
                    x.getFb(),
                    List.copyOf(x.getBos()),
                    x.getIovas() == null ? null : List.copyOf(x.getIovas()));
        } else if (p instanceof FbCleanup x) {
            return new Event.FbCleanup(x.getFb());
        } else if (p instanceof VmBind x) {
            List<VmBindOp> ops = new ArrayList<>(x.getOps().size());
            for (io.vmledger.schema.VmBindOp o : x.getOps()) {
                ops.add(
                        new VmBindOp(
                                o.getOp(),
                                o.getBo(),
                                o.getObjOffset(),
                                o.getIova(),
                                o.getRange(),
                                o.getFlags()));
            }
            return new Event.VmBind(x.getFile(), x.getQueue(), x.getFlags(), ops);
        } else if (p instanceof GpuFault x) {
            return new Event.GpuFault(
                    x.getFile(),
                    x.getIova(),
                    x.getDir() == FaultDir.write,
                    x.getFaultType(),
                    x.getSource(),
                    x.getQueue(),
                    x.getSubmit());
        } else if (p instanceof GpuHang x) {
            return new Event.GpuHang(x.getFile(), x.getQueue(), x.getSubmit());
        } else if (p instanceof DeviceInfo x) {
            return new Event.DeviceInfo(x.getChipId(), x.getRevn(), x.getGpu(), x.getKernel());
        } else if (p instanceof Submit x) {
            List<SubmitBo> bos = new ArrayList<>(x.getBos().size());
            for (io.vmledger.schema.SubmitBo b : x.getBos()) {
                bos.add(new SubmitBo(b.getBo(), b.getFlags(), b.getIova()));
            }
            return new Event.Submit(x.getFile(), x.getQueue(), x.getSubmit(), bos);
        } else if (p instanceof SubmitRetired x) {
            return new Event.SubmitRetired(x.getFile(), x.getQueue(), x.getSubmit());
        }
        throw new IllegalArgumentException(
                "no domain event for payload " + (p == null ? "null" : p.getClass().getName()));
    }
}
