package io.vmledger.cli;

import io.vmledger.core.fold.FoldConfig;
import picocli.CommandLine.Option;

/**
 * How a command that folds events itself ({@code replay}, {@code export}, {@code audit --as-of})
 * configures the kernel model, as options (a picocli mixin).
 */
final class FoldOptions {
    @Option(
            names = "--vm-log-shift",
            paramLabel = "N",
            defaultValue = "8",
            description =
                    "msm vm_log_shift: VM-log ring of 2^min(N,8) entries, 0 disables it (default: ${DEFAULT-VALUE}).")
    int vmLogShift;

    /** What is wrong with the options, or null. */
    String problem() {
        return vmLogShift < 0 ? "--vm-log-shift must be >= 0" : null;
    }

    /** The fold's configuration (the options must have no {@link #problem()}). */
    FoldConfig config() {
        return new FoldConfig(vmLogShift);
    }
}
