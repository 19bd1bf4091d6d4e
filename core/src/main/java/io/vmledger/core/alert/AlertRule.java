package io.vmledger.core.alert;

import java.util.Locale;

/**
 * The leak and anomaly rules, with the name and severity every alert of the rule carries.
 * Lifetime rules hold for a subject (a BO or a VM) and are raised when they kept holding for
 * {@link AlertThresholds#afterUs()} of the device's own event time; the others are raised by
 * one event ({@link #MAPPINGS_AT_CLOSE}) or by a trend ({@link #MAPPED_GROWTH}).
 */
public enum AlertRule {
    /** A live BO held only by GEM handles (no VMA, pin, vmap or dma-buf), not marked purgeable. */
    HANDLE_LEAK(Severity.WARNING, true),
    /** A BO pinned (display fb_prepare without fb_cleanup). */
    PIN_LEAK(Severity.WARNING, true),
    /** A BO vmapped without vunmap. */
    VMAP_LEAK(Severity.WARNING, true),
    /** A live BO with no handle and no dma-buf, alive only through its VMAs (no pin, no vmap). */
    BO_KEPT_BY_MAPPINGS(Severity.WARNING, true),
    /** A BO with a display-VM VMA while its {@code vma_ref} is 0 (§4: the kernel tears it down at 0). */
    DISPLAY_VMA_UNREFERENCED(Severity.WARNING, true),
    /** A VM whose page-table pages are far above what its populated PTEs need (§5.2 pre-allocation). */
    PAGETABLE_BLOAT(Severity.WARNING, true),
    /** A file closed with mappings left in its VM (normal at process exit). */
    MAPPINGS_AT_CLOSE(Severity.INFO, false),
    /** A device's mapped bytes reached a new high at every step of a window. */
    MAPPED_GROWTH(Severity.WARNING, false);

    private final Severity severity;
    private final boolean lifetime;
    private final String label = name().toLowerCase(Locale.ROOT);

    AlertRule(Severity severity, boolean lifetime) {
        this.severity = severity;
        this.lifetime = lifetime;
    }

    /** The rule name alerts carry, e.g. {@code handle_leak}. */
    public String label() {
        return label;
    }

    public Severity severity() {
        return severity;
    }

    /** True for the lifetime rules about a BO (the others are about a VM or the device). */
    public boolean aboutBo() {
        return lifetime && this != PAGETABLE_BLOAT;
    }
}
