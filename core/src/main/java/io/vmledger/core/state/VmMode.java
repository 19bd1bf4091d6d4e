package io.vmledger.core.state;

import io.vmledger.core.CodeTable;
import io.vmledger.core.Coded;

/**
 * How a VM is managed: by userspace through VM_BIND, by the kernel for a legacy context, or the
 * display VM. VM state values carry it by {@link #code()}.
 */
public enum VmMode implements Coded {
    /** A user-managed VM of a VM_BIND context (§3.2). */
    VM_BIND(0, "vm_bind"),
    /** A kernel-managed per-process VM of a legacy context. */
    MANAGED(1, "managed"),
    /** The device's display (KMS) VM, vm id 0, kernel-managed with lazy teardown (§4). */
    KMS(2, "kms");

    private static final CodeTable<VmMode> CODES = new CodeTable<>(VmMode.class);

    private final int code;
    private final String label;

    VmMode(int code, String label) {
        this.code = code;
        this.label = label;
    }

    @Override
    public int code() {
        return code;
    }

    /** The mode whose code is {@code code}; an unknown code is refused. */
    public static VmMode ofCode(int code) {
        return CODES.of(code);
    }

    /** The name printed in state lines. */
    public String label() {
        return label;
    }
}
