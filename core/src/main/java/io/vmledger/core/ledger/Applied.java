package io.vmledger.core.ledger;

import io.vmledger.core.alert.Alert;
import io.vmledger.core.alert.Touched;
import io.vmledger.core.dump.CrashState;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.Status;
import java.util.List;

/**
 * Everything one event produced, as {@link DeviceLedger#apply} returns it.
 *
 * @param outcome the ledger entry: status, errno, steps, page-table ops, effects
 * @param seqBefore the device's last applied seq before the event (0 for a new device)
 * @param touched the BOs and VMs the event may have changed
 * @param crash the devcoredump the event captured (gpu_fault, gpu_hang), or null
 * @param alerts the alerts the event raised
 */
public record Applied(
        Outcome outcome, long seqBefore, Touched touched, CrashState crash, List<Alert> alerts) {

    /**
     * Whether a device snapshotted every {@code every} events (0: never) is due one after this
     * event: an applied event (ok or error, not a duplicate) whose seq crossed a multiple of {@code
     * every}. It depends only on seqs, so a re-processing snapshots at the same events.
     */
    public boolean snapshotDue(long every) {
        return every > 0
                && outcome.status() != Status.DUPLICATE
                && Long.compareUnsigned(
                                Long.divideUnsigned(outcome.seq(), every),
                                Long.divideUnsigned(seqBefore, every))
                        > 0;
    }
}
