package io.vmledger.core.fold;

/**
 * A further consequence of an event, beyond its steps: a BO freed, a display VMA kept or torn down,
 * a VM made unusable or closed, a coredump captured, a kernel quirk modelled. Fields that do not
 * apply are null.
 */
public record Effect(
        Kind kind, Long vm, Long bo, Long iova, Long range, String reason, Long count) {

    /** Effect kinds, printed in lower case. */
    public enum Kind {
        /** The last reference to a BO went away. */
        BO_FREED,
        /** A VMA was created and mapped by the kernel (legacy get_iova, display pin). */
        VMA_MAPPED,
        /** A display-VM VMA was kept mapped on unpin (lazy teardown, §4). */
        VMA_KEPT,
        /** An existing lazy display-VM VMA was pinned again at the same iova. */
        VMA_REUSED,
        /** A VMA was unmapped (if mapped) and closed; {@code reason} is the VM-log reason. */
        VMA_TORN_DOWN,
        /** A VMA's PTEs were removed while the VMA stays (purge). */
        VMA_UNMAPPED,
        /** A VM was marked unusable (§3.6). */
        VM_UNUSABLE,
        /** A VM was torn down on file close (§3.7). */
        VM_CLOSED,
        /** A devcoredump was captured (§3.9). */
        COREDUMP,
        /** The kernel behaves in a way that is arguably a bug; vmledger models it and says so. */
        KERNEL_QUIRK;

        private final String label = name().toLowerCase(java.util.Locale.ROOT);

        /** The printed name. */
        public String label() {
            return label;
        }
    }

    /** {@code bo_freed}. */
    public static Effect boFreed(long bo) {
        return new Effect(Kind.BO_FREED, null, bo, null, null, null, null);
    }

    /** An effect about one VMA. */
    public static Effect vma(Kind kind, long vm, Long bo, long iova, long range, String reason) {
        return new Effect(kind, vm, bo, iova, range, reason, null);
    }

    /** An effect about a VM. */
    public static Effect vm(Kind kind, long vm, String reason) {
        return new Effect(kind, vm, null, null, null, reason, null);
    }

    /** A coredump capture. */
    public static Effect coredump(long vm, Long iova, String reason) {
        return new Effect(Kind.COREDUMP, vm, null, iova, null, reason, null);
    }

    /** A modelled kernel quirk. */
    public static Effect kernelQuirk(String reason) {
        return new Effect(Kind.KERNEL_QUIRK, null, null, null, null, reason, null);
    }
}
