package io.vmledger.core.alert;

import io.vmledger.core.CodeTable;
import io.vmledger.core.Coded;
import java.util.Locale;

/**
 * The leak and anomaly rules, with the name and severity every alert of the rule carries. Lifetime
 * rules hold for a subject (a BO or a VM) and are raised when they kept holding for {@link
 * AlertThresholds#afterUs()} of the device's own event time; the others are raised by one event
 * ({@link #MAPPINGS_AT_CLOSE}) or by a trend ({@link #MAPPED_GROWTH}). Alert watch keys carry the
 * rule by {@link #code()}.
 */
public enum AlertRule implements Coded {
    /** A live BO held only by GEM handles (no VMA, pin, vmap or dma-buf), not marked purgeable. */
    HANDLE_LEAK(0, Severity.WARNING, true),
    /** A BO pinned (display fb_prepare without fb_cleanup). */
    PIN_LEAK(1, Severity.WARNING, true),
    /** A BO vmapped without vunmap. */
    VMAP_LEAK(2, Severity.WARNING, true),
    /** A live BO with no handle and no dma-buf, alive only through its VMAs (no pin, no vmap). */
    BO_KEPT_BY_MAPPINGS(3, Severity.WARNING, true),
    /**
     * A BO with a display-VM VMA while its {@code vma_ref} is 0 (§4: the kernel tears it down at
     * 0).
     */
    DISPLAY_VMA_UNREFERENCED(4, Severity.WARNING, true),
    /**
     * A VM whose page-table pages are far above what its populated PTEs need (§5.2 pre-allocation).
     */
    PAGETABLE_BLOAT(5, Severity.WARNING, true),
    /** A file closed with mappings left in its VM (normal at process exit). */
    MAPPINGS_AT_CLOSE(6, Severity.INFO, false),
    /** A device's mapped bytes reached a new high at every step of a window. */
    MAPPED_GROWTH(7, Severity.WARNING, false);

    private static final CodeTable<AlertRule> CODES = new CodeTable<>(AlertRule.class);

    private final int code;
    private final Severity severity;
    private final boolean lifetime;
    private final String label = name().toLowerCase(Locale.ROOT);

    AlertRule(int code, Severity severity, boolean lifetime) {
        this.code = code;
        this.severity = severity;
        this.lifetime = lifetime;
    }

    @Override
    public int code() {
        return code;
    }

    /** The rule whose code is {@code code}; an unknown code is refused. */
    public static AlertRule ofCode(int code) {
        return CODES.of(code);
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
