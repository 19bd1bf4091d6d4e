package io.vmledger.producer.sim;

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
import io.vmledger.schema.KmsVm;
import io.vmledger.schema.Madv;
import io.vmledger.schema.Madvise;
import io.vmledger.schema.Submit;
import io.vmledger.schema.SubmitBo;
import io.vmledger.schema.SubmitRetired;
import io.vmledger.schema.SubmitqueueNew;
import io.vmledger.schema.VmBind;
import io.vmledger.schema.VmBindOp;
import io.vmledger.schema.Vmap;
import io.vmledger.schema.Vunmap;
import java.util.List;

/**
 * The event payloads the workloads emit (VmEvent payload records), with the msm uAPI constants they
 * use (kernel-semantics §3.1). Only construction: what is valid when is the workloads' job.
 */
final class Payloads {
    /** MSM_BO_SCANOUT. */
    static final long BO_SCANOUT = 0x1;

    /** MSM_BO_GPU_READONLY. */
    static final long BO_GPU_READONLY = 0x2;

    /** MSM_BO_NO_SHARE: shares the VM's dma-resv; cannot be exported. */
    static final long BO_NO_SHARE = 0x4;

    /** MSM_BO_WC (write-combined), the usual choice for GPU buffers. */
    static final long BO_WC = 0x20000;

    /** MSM_BO_CACHED_COHERENT. */
    static final long BO_CACHED_COHERENT = 0x80000;

    /** Default VM window of a per-process VM (ADRENO_VM_START, 48-bit space). */
    static final long VM_START = 0x1_0000_0000L;

    static final long VM_SIZE = 0xffff_0000_0000L;

    /** The display VM's window: msm's KMS VM spans 4 GiB from 0x1000. */
    static final long KMS_START = 0x1000;

    static final long KMS_SIZE = 0xffff_f000L;

    private static final long OP_UNMAP = 0;
    private static final long OP_MAP = 1;
    private static final long OP_MAP_NULL = 2;
    private static final long OP_DUMP = 1;

    private Payloads() {}

    static KmsVm kmsVm() {
        return new KmsVm(KMS_START, KMS_SIZE);
    }

    static FileOpen fileOpen(long file, boolean vmBind) {
        return new FileOpen(file, vmBind, VM_START, VM_SIZE, true);
    }

    static FileClose fileClose(long file) {
        return new FileClose(file);
    }

    static SubmitqueueNew queue(long file, long queue, boolean vmBind) {
        return new SubmitqueueNew(file, queue, vmBind);
    }

    static BoNew boNew(long file, long bo, long size, long flags, String name) {
        return new BoNew(file, bo, size, flags, name);
    }

    static HandleClose handleClose(long file, long bo) {
        return new HandleClose(file, bo);
    }

    static Madvise madvise(long bo, Madv madv) {
        return new Madvise(bo, madv);
    }

    static DmabufExport export(long bo, long dmabuf, long file) {
        return new DmabufExport(bo, dmabuf, file);
    }

    static DmabufImport importDmabuf(long file, long dmabuf) {
        return new DmabufImport(file, dmabuf);
    }

    static DmabufRelease release(long dmabuf) {
        return new DmabufRelease(dmabuf);
    }

    static Vmap vmap(long bo) {
        return new Vmap(bo);
    }

    static Vunmap vunmap(long bo) {
        return new Vunmap(bo);
    }

    static GetIova getIova(long file, long bo) {
        return new GetIova(file, bo, null);
    }

    static FbPrepare fbPrepare(long fb, long bo) {
        return new FbPrepare(fb, List.of(bo), null);
    }

    static FbCleanup fbCleanup(long fb) {
        return new FbCleanup(fb);
    }

    static VmBind vmBind(long file, long queue, List<VmBindOp> ops) {
        return new VmBind(file, queue, 0L, ops);
    }

    static VmBindOp map(long bo, long offset, long iova, long range, boolean dump) {
        return new VmBindOp(OP_MAP, bo, offset, iova, range, dump ? OP_DUMP : 0L);
    }

    static VmBindOp mapNull(long iova, long range) {
        return new VmBindOp(OP_MAP_NULL, null, 0L, iova, range, 0L);
    }

    static VmBindOp unmap(long iova, long range) {
        return new VmBindOp(OP_UNMAP, null, 0L, iova, range, 0L);
    }

    /** MSM_SUBMIT_BO_READ, WRITE and DUMP. */
    static final long SUBMIT_READ = 0x1;

    static final long SUBMIT_WRITE = 0x2;
    static final long SUBMIT_DUMP = 0x4;

    static DeviceInfo deviceInfo(long chipId, long revn, String gpu, String kernel) {
        return new DeviceInfo(chipId, revn, gpu, kernel);
    }

    static Submit submit(long file, long id, List<SubmitBo> bos) {
        return new Submit(file, 0L, id, bos);
    }

    static SubmitBo submitBo(long bo, long flags) {
        return new SubmitBo(bo, flags, null);
    }

    static SubmitRetired submitRetired(long file, long id) {
        return new SubmitRetired(file, 0L, id);
    }

    static GpuFault fault(long file, long iova, boolean write, String source, Long submit) {
        return new GpuFault(
                file,
                iova,
                write ? FaultDir.write : FaultDir.read,
                "TRANSLATION",
                source,
                null,
                submit);
    }

    static GpuHang hang(long file, Long submit) {
        return new GpuHang(file, null, submit);
    }
}
