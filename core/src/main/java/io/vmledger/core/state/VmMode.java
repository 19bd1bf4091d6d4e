package io.vmledger.core.state;

/** How a VM is managed: by userspace through VM_BIND, by the kernel for a legacy context, or the display VM. */
public enum VmMode {
    /** A user-managed VM of a VM_BIND context (§3.2). */
    VM_BIND("vm_bind"),
    /** A kernel-managed per-process VM of a legacy context. */
    MANAGED("managed"),
    /** The device's display (KMS) VM, vm id 0, kernel-managed with lazy teardown (§4). */
    KMS("kms");

    private final String label;

    VmMode(String label) {
        this.label = label;
    }

    /** The name printed in state lines. */
    public String label() {
        return label;
    }
}
