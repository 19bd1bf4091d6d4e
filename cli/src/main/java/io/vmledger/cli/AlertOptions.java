package io.vmledger.cli;

import io.vmledger.core.alert.AlertThresholds;
import picocli.CommandLine.Option;

/**
 * The alert thresholds as {@code vmledger engine} options (a picocli mixin): durations like {@code
 * 30s}, {@code 500ms}, {@code 2m}; sizes like {@code 64MiB}, {@code 512KiB}, {@code 1GiB} or bytes.
 */
final class AlertOptions {
    private static final AlertThresholds D = AlertThresholds.DEFAULT;

    @Option(
            names = "--alert-after",
            paramLabel = "DURATION",
            defaultValue = "30s",
            description =
                    "Device time a leak condition (handle, pin, vmap, mapping-only BO, display VMA,"
                            + " page-table bloat) must hold before it is alerted (default: ${DEFAULT-VALUE}).")
    String after;

    @Option(
            names = "--alert-pagetable",
            paramLabel = "RATIO[:PAGES]",
            defaultValue = "8:64",
            description =
                    "Page-table bloat: a VM's table pages above RATIO x what its mapped pages need,"
                            + " and at least PAGES (default: ${DEFAULT-VALUE}).")
    String pagetable;

    @Option(
            names = "--alert-growth",
            paramLabel = "WINDOW[:SIZE]",
            defaultValue = "120s:64MiB",
            description =
                    "Mapped growth: a device's mapped bytes at a new high at each of 6 steps over WINDOW,"
                            + " grown by at least SIZE (default: ${DEFAULT-VALUE}).")
    String growth;

    /**
     * The thresholds these options give; {@link IllegalArgumentException} naming the bad option.
     */
    AlertThresholds thresholds() {
        long afterUs = Durations.micros(after, "--alert-after");
        String[] pt = pagetable.split(":", -1);
        String[] gr = growth.split(":", -1);
        if (pt.length > 2 || gr.length > 2) {
            throw new IllegalArgumentException(
                    "--alert-pagetable is RATIO[:PAGES], --alert-growth is WINDOW[:SIZE]");
        }
        double ratio;
        long pages;
        try {
            ratio = Double.parseDouble(pt[0]);
            pages = pt.length > 1 ? Long.parseLong(pt[1]) : D.pagetableMinPages();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--alert-pagetable must be RATIO[:PAGES], got '" + pagetable + "'");
        }
        long window = Durations.micros(gr[0], "--alert-growth");
        long bytes = gr.length > 1 ? Sizes.bytes(gr[1], "--alert-growth") : D.growthMinBytes();
        try {
            return new AlertThresholds(afterUs, ratio, pages, window, bytes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("alert thresholds: " + e.getMessage());
        }
    }
}
