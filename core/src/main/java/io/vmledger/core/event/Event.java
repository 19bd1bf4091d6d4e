package io.vmledger.core.event;

import java.util.List;

/**
 * A device event as the domain core sees it: one record per trace type (trace-and-replay.md §1).
 * All addresses, sizes, offsets, flags and ids are u64 bits.
 */
public sealed interface Event {

    /** The trace type name, e.g. {@code "vm_bind"}. */
    String type();

    /** Calls the method of {@code visitor} for this event's type. */
    <R> R accept(Visitor<R> visitor);

    /**
     * One method per event type: the dispatch every consumer of events (the fold, the alert rules,
     * the audit) goes through, so that a new event type is a compile error wherever it is not
     * handled yet, rather than a runtime throw at the end of an {@code instanceof} chain.
     */
    interface Visitor<R> {
        R fileOpen(FileOpen e);

        R fileClose(FileClose e);

        R kmsVm(KmsVm e);

        R submitqueueNew(SubmitqueueNew e);

        R submitqueueClose(SubmitqueueClose e);

        R boNew(BoNew e);

        R handleOpen(HandleOpen e);

        R handleClose(HandleClose e);

        R setName(SetName e);

        R madvise(Madvise e);

        R dmabufExport(DmabufExport e);

        R dmabufImport(DmabufImport e);

        R dmabufRelease(DmabufRelease e);

        R vmap(Vmap e);

        R vunmap(Vunmap e);

        R getIova(GetIova e);

        R fbPrepare(FbPrepare e);

        R fbCleanup(FbCleanup e);

        R vmBind(VmBind e);

        R gpuFault(GpuFault e);

        R gpuHang(GpuHang e);

        R deviceInfo(DeviceInfo e);

        R submit(Submit e);

        R submitRetired(SubmitRetired e);
    }

    /** Open of the DRM device; the context's VM gets vm id {@code file}. */
    record FileOpen(long file, boolean vmBind, long vaStart, long vaSize, boolean prr)
            implements Event {
        public String type() {
            return "file_open";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.fileOpen(this);
        }
    }

    /** Release of the drm_file: handles closed, then the VM torn down (§3.7). */
    record FileClose(long file) implements Event {
        public String type() {
            return "file_close";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.fileClose(this);
        }
    }

    /** Creation of the device's display VM (vm id 0). */
    record KmsVm(long vaStart, long vaSize) implements Event {
        public String type() {
            return "kms_vm";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.kmsVm(this);
        }
    }

    /** SUBMITQUEUE_NEW. */
    record SubmitqueueNew(long file, long queue, boolean vmBind) implements Event {
        public String type() {
            return "submitqueue_new";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.submitqueueNew(this);
        }
    }

    /** SUBMITQUEUE_CLOSE. */
    record SubmitqueueClose(long file, long queue) implements Event {
        public String type() {
            return "submitqueue_close";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.submitqueueClose(this);
        }
    }

    /** GEM_NEW: the object plus one handle in {@code file}. */
    record BoNew(long file, long bo, long size, long flags, String name) implements Event {
        public String type() {
            return "bo_new";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.boNew(this);
        }
    }

    /** A further GEM handle. */
    record HandleOpen(long file, long bo) implements Event {
        public String type() {
            return "handle_open";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.handleOpen(this);
        }
    }

    /** GEM_CLOSE. */
    record HandleClose(long file, long bo) implements Event {
        public String type() {
            return "handle_close";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.handleClose(this);
        }
    }

    /** MSM_INFO_SET_NAME. */
    record SetName(long bo, String name) implements Event {
        public String type() {
            return "set_name";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.setName(this);
        }
    }

    /** GEM_MADVISE, or the shrinker's purge. */
    record Madvise(long bo, Madv madv) implements Event {
        public String type() {
            return "madvise";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.madvise(this);
        }
    }

    /**
     * PRIME handle→fd: first export of a dma-buf object; {@code file} (nullable) is the exporter.
     */
    record DmabufExport(long bo, long dmabuf, Long file) implements Event {
        public String type() {
            return "dmabuf_export";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.dmabufExport(this);
        }
    }

    /** PRIME fd→handle on the same device (self-import). */
    record DmabufImport(long file, long dmabuf) implements Event {
        public String type() {
            return "dmabuf_import";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.dmabufImport(this);
        }
    }

    /** Last fd of a dma-buf closed. */
    record DmabufRelease(long dmabuf) implements Event {
        public String type() {
            return "dmabuf_release";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.dmabufRelease(this);
        }
    }

    /** drm_gem_vmap. */
    record Vmap(long bo) implements Event {
        public String type() {
            return "vmap";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.vmap(this);
        }
    }

    /** drm_gem_vunmap. */
    record Vunmap(long bo) implements Event {
        public String type() {
            return "vunmap";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.vunmap(this);
        }
    }

    /** Legacy MSM_INFO_GET_IOVA; {@code iova} (nullable) is what the kernel returned. */
    record GetIova(long file, long bo, Long iova) implements Event {
        public String type() {
            return "get_iova";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.getIova(this);
        }
    }

    /** KMS framebuffer prepare; {@code iovas} (nullable) are the display-VM addresses per plane. */
    record FbPrepare(long fb, List<Long> bos, List<Long> iovas) implements Event {
        public String type() {
            return "fb_prepare";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.fbPrepare(this);
        }
    }

    /** KMS framebuffer cleanup. */
    record FbCleanup(long fb) implements Event {
        public String type() {
            return "fb_cleanup";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.fbCleanup(this);
        }
    }

    /** The VM_BIND ioctl. */
    record VmBind(long file, long queue, long flags, List<VmBindOp> ops) implements Event {
        public String type() {
            return "vm_bind";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.vmBind(this);
        }
    }

    /**
     * An IOMMU fault; {@code queue} and {@code submit} (both nullable) name the in-flight submit
     * the fault belongs to (queue 0 when only {@code submit} is given).
     */
    record GpuFault(
            long file,
            long iova,
            boolean write,
            String faultType,
            String source,
            Long queue,
            Long submit)
            implements Event {
        /** A fault that names no submit. */
        public GpuFault(long file, long iova, boolean write, String faultType, String source) {
            this(file, iova, write, faultType, source, null, null);
        }

        public String type() {
            return "gpu_fault";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.gpuFault(this);
        }
    }

    /**
     * GPU hang recovery attributed to {@code file}'s submit; {@code queue} and {@code submit} (both
     * nullable) name it.
     */
    record GpuHang(long file, Long queue, Long submit) implements Event {
        /** A hang that names no submit. */
        public GpuHang(long file) {
            this(file, null, null);
        }

        public String type() {
            return "gpu_hang";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.gpuHang(this);
        }
    }

    /**
     * What the device is: the Adreno chip id ({@code core.major.minor.patch}, one byte each), the
     * kernel's {@code revn} (0 for GPUs the kernel catalogues by chip id only), a GPU name and the
     * kernel release (both nullable). Dumps print them as {@code revision:} and {@code kernel:}.
     */
    record DeviceInfo(long chipId, long revn, String gpu, String kernel) implements Event {
        public String type() {
            return "device_info";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.deviceInfo(this);
        }
    }

    /**
     * GEM_SUBMIT: submit {@code submit} (its fence on the queue) of {@code file} on {@code queue},
     * with the BO table of a legacy context in table order (empty for VM_BIND contexts).
     */
    record Submit(long file, long queue, long submit, List<SubmitBo> bos) implements Event {
        public String type() {
            return "submit";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.submit(this);
        }
    }

    /** The submit's fence signalled: the kernel drops what the submit held (pins). */
    record SubmitRetired(long file, long queue, long submit) implements Event {
        public String type() {
            return "submit_retired";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.submitRetired(this);
        }
    }
}
