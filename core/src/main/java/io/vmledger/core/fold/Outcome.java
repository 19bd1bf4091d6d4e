package io.vmledger.core.fold;

import io.vmledger.core.Errno;
import java.util.List;

/**
 * The outcome of one event (trace-and-replay §2): the ledger entry. {@code errno}/{@code reason}
 * only for errors, {@code preallocPages}, {@code preallocUsed} (table pages the job really
 * allocated) and {@code ops} only for vm_bind.
 */
public record Outcome(
        String device,
        long seq,
        String type,
        long ts,
        Status status,
        Errno errno,
        String reason,
        Long preallocPages,
        Long preallocUsed,
        List<OpResult> ops,
        List<Effect> effects) {}
