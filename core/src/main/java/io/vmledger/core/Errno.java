package io.vmledger.core;

/**
 * The kernel error codes vmledger reports, by name, as the ioctl or callback would return them.
 * Errors are values in the ledger, never exceptions.
 */
public enum Errno {
    /** Invalid argument: the usual VM_BIND validation failure (§3.3, §3.4). */
    EINVAL,
    /** The context's VM is unusable (§3.3 check 2, §3.6). */
    EPIPE,
    /** No such object or queue (§3.3 check 5). */
    ENOENT,
    /** Object busy: MAP of a BO that is DONTNEED or purged (§3.3 step 14). */
    EBUSY,
    /** Operation not permitted: dma-buf export of a NO_SHARE BO (§4). */
    EPERM,
    /** Already exists: a page-table leaf already populated (§5.1), or an id already in use. */
    EEXIST,
    /** Bad file: the event names a drm_file or dma-buf fd that is not open. */
    EBADF,
    /** No such device: the display VM does not exist. */
    ENODEV,
    /** No space left in the VM window for a kernel-chosen address. */
    ENOSPC,
    /** Out of memory: the pre-allocated page-table pool ran out (§5.2). */
    ENOMEM,
    /**
     * Operation already in progress: a legacy SUBMIT's BO table lists a BO twice, so locking it
     * again finds it already locked (docs/kernel-model.md, "Submits").
     */
    EALREADY
}
