package io.vmledger.core.event;

import java.util.List;

/**
 * A device event as the domain core sees it: one record per trace type
 * (trace-and-replay.md §1). All addresses, sizes, offsets, flags and ids are u64 bits.
 */
public sealed interface Event {

    /** The trace type name, e.g. {@code "vm_bind"}. */
    String type();

    /** Open of the DRM device; the context's VM gets vm id {@code file}. */
    record FileOpen(long file, boolean vmBind, long vaStart, long vaSize, boolean prr) implements Event {
        public String type() {
            return "file_open";
        }
    }

    /** Release of the drm_file: handles closed, then the VM torn down (§3.7). */
    record FileClose(long file) implements Event {
        public String type() {
            return "file_close";
        }
    }

    /** Creation of the device's display VM (vm id 0). */
    record KmsVm(long vaStart, long vaSize) implements Event {
        public String type() {
            return "kms_vm";
        }
    }

    /** SUBMITQUEUE_NEW. */
    record SubmitqueueNew(long file, long queue, boolean vmBind) implements Event {
        public String type() {
            return "submitqueue_new";
        }
    }

    /** SUBMITQUEUE_CLOSE. */
    record SubmitqueueClose(long file, long queue) implements Event {
        public String type() {
            return "submitqueue_close";
        }
    }

    /** GEM_NEW: the object plus one handle in {@code file}. */
    record BoNew(long file, long bo, long size, long flags, String name) implements Event {
        public String type() {
            return "bo_new";
        }
    }

    /** A further GEM handle. */
    record HandleOpen(long file, long bo) implements Event {
        public String type() {
            return "handle_open";
        }
    }

    /** GEM_CLOSE. */
    record HandleClose(long file, long bo) implements Event {
        public String type() {
            return "handle_close";
        }
    }

    /** MSM_INFO_SET_NAME. */
    record SetName(long bo, String name) implements Event {
        public String type() {
            return "set_name";
        }
    }

    /** GEM_MADVISE, or the shrinker's purge. */
    record Madvise(long bo, Madv madv) implements Event {
        public String type() {
            return "madvise";
        }
    }

    /** PRIME handle→fd: first export of a dma-buf object; {@code file} (nullable) is the exporter. */
    record DmabufExport(long bo, long dmabuf, Long file) implements Event {
        public String type() {
            return "dmabuf_export";
        }
    }

    /** PRIME fd→handle on the same device (self-import). */
    record DmabufImport(long file, long dmabuf) implements Event {
        public String type() {
            return "dmabuf_import";
        }
    }

    /** Last fd of a dma-buf closed. */
    record DmabufRelease(long dmabuf) implements Event {
        public String type() {
            return "dmabuf_release";
        }
    }

    /** drm_gem_vmap. */
    record Vmap(long bo) implements Event {
        public String type() {
            return "vmap";
        }
    }

    /** drm_gem_vunmap. */
    record Vunmap(long bo) implements Event {
        public String type() {
            return "vunmap";
        }
    }

    /** Legacy MSM_INFO_GET_IOVA; {@code iova} (nullable) is what the kernel returned. */
    record GetIova(long file, long bo, Long iova) implements Event {
        public String type() {
            return "get_iova";
        }
    }

    /** KMS framebuffer prepare; {@code iovas} (nullable) are the display-VM addresses per plane. */
    record FbPrepare(long fb, List<Long> bos, List<Long> iovas) implements Event {
        public String type() {
            return "fb_prepare";
        }
    }

    /** KMS framebuffer cleanup. */
    record FbCleanup(long fb) implements Event {
        public String type() {
            return "fb_cleanup";
        }
    }

    /** The VM_BIND ioctl. */
    record VmBind(long file, long queue, long flags, List<VmBindOp> ops) implements Event {
        public String type() {
            return "vm_bind";
        }
    }

    /** An IOMMU fault. */
    record GpuFault(long file, long iova, boolean write, String faultType, String source) implements Event {
        public String type() {
            return "gpu_fault";
        }
    }

    /** GPU hang recovery attributed to {@code file}'s submit. */
    record GpuHang(long file) implements Event {
        public String type() {
            return "gpu_hang";
        }
    }
}
