package io.vmledger.producer.sim;

/**
 * The bugs the simulator injects on purpose, each with the alert rule of the engine that must catch
 * it (the contract table of the helper brief), plus {@link #INVALID}: a deliberately invalid ioctl
 * the kernel rejects.
 */
public enum BugKind {
    /**
     * A GEM handle of a BO the process stopped using (no VMA, pin, vmap or dma-buf), never closed.
     */
    HANDLE_LEAK("handle_leak", "handle_leak"),
    /** An fb_prepare never balanced by an fb_cleanup: the plane BO stays pinned. */
    PIN_LEAK("pin_leak", "pin_leak"),
    /** A vmap never vunmapped (the devcoredump capture path forgets its vunmap). */
    VMAP_LEAK("vmap_leak", "vmap_leak"),
    /** Every handle of a BO closed while a VM_BIND VA still maps it: only the mapping holds it. */
    MAPPING_ONLY_BO("mapping_only_bo", "bo_kept_by_mappings"),
    /** Many 4 KiB mappings 2 MiB apart in one VM: one L3 page table each. */
    PAGETABLE_BLOAT("pagetable_bloat", "pagetable_bloat"),
    /** An ioctl the kernel rejects; the label carries the expected errno. */
    INVALID("invalid", null);

    private final String label;
    private final String rule;

    BugKind(String label, String rule) {
        this.label = label;
        this.rule = rule;
    }

    /** The ground-truth name, e.g. {@code "mapping_only_bo"}. */
    public String label() {
        return label;
    }

    /** The engine alert rule expected to catch it; null for {@link #INVALID}. */
    public String rule() {
        return rule;
    }

    /** The injectable leak kinds, i.e. every kind but {@link #INVALID}. */
    public static BugKind[] leaks() {
        return new BugKind[] {HANDLE_LEAK, PIN_LEAK, VMAP_LEAK, MAPPING_ONLY_BO, PAGETABLE_BLOAT};
    }
}
