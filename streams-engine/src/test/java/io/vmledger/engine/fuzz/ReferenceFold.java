package io.vmledger.engine.fuzz;

import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.ledger.InMemoryLedger;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.engine.ReplayReference;
import io.vmledger.schema.codec.OutcomeEncoder;
import io.vmledger.schema.json.LedgerJson;
import java.util.List;
import java.util.Map;

/**
 * What {@code replay} makes of the admitted records, in input order: the in-memory fold ({@link
 * InMemoryLedger}, as {@link ReplayReference} uses it) of every record {@link AdmissionOracle}
 * admits, whether it came from the valid fleet or from a mutation that still decodes.
 */
final class ReferenceFold {
    private final InMemoryLedger ledger = new InMemoryLedger(FoldConfig.DEFAULT);

    /** Folds {@code a}; its outcome line, as {@code replay} prints it. */
    String apply(AdmissionOracle.Admit a) {
        return LedgerJson.format(
                OutcomeEncoder.encode(
                        ledger.apply(
                                        a.event().getDevice(),
                                        a.event().getSeq(),
                                        a.event().getTs(),
                                        a.domain())
                                .outcome()));
    }

    /** The devices folded so far, with their state. */
    Map<String, DeviceQueries> devices() {
        return ledger.devices();
    }

    /** The {@code replay --state} lines of {@code device}. */
    List<String> stateLines(String device) {
        return ReplayReference.stateLines(device, ledger.devices().get(device));
    }
}
