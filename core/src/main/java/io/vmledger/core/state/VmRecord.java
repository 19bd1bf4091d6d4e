package io.vmledger.core.state;

import io.vmledger.core.gpuvm.VmWindow;

/**
 * One VM of a device, stored under key {@code (vm)}. Its VAs, page tables and log live in their own
 * tables so that an update never rewrites the whole VM.
 *
 * @param unusable set by a failed job or a hang of a VM_BIND context, never cleared (§3.6)
 * @param closed the owning file was closed and the VM torn down (§3.7)
 */
public record VmRecord(
        long vm, VmMode mode, VmWindow window, boolean hasPrr, boolean unusable, boolean closed) {

    /** This VM marked unusable. */
    public VmRecord markUnusable() {
        return new VmRecord(vm, mode, window, hasPrr, true, closed);
    }

    /** This VM marked closed. */
    public VmRecord markClosed() {
        return new VmRecord(vm, mode, window, hasPrr, unusable, true);
    }
}
