package io.vmledger.tools.perfetto;

import io.vmledger.core.alert.AlertThresholds;
import io.vmledger.core.event.Event;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.ledger.Applied;
import io.vmledger.core.ledger.InMemoryLedger;
import io.vmledger.schema.VmEvent;
import io.vmledger.tools.audit.DeviceEvents;
import java.io.IOException;
import java.io.Writer;
import java.util.function.Consumer;

/**
 * The fold of devices' events exactly as {@code replay} does it (one {@link InMemoryLedger}, alerts
 * swept after every event), each ledger entry handed to a {@link PerfettoExport} as it is made: the
 * one path from events, read from trace files or back from the events topic, to a Perfetto trace.
 */
public final class LedgerTrace {
    private final InMemoryLedger ledger;
    private final PerfettoExport export;

    /**
     * Starts a trace on {@code out} keeping the entries with event time in {@code [from, to)} (µs
     * since the epoch).
     */
    public LedgerTrace(Writer out, FoldConfig config, long from, long to) throws IOException {
        this.ledger = new InMemoryLedger(config, AlertThresholds.DEFAULT, 0);
        this.export = new PerfettoExport(out, from, to);
    }

    /** Folds one event of {@code event.getDevice()} and writes its entry; returns what it gave. */
    public Applied fold(VmEvent event, Event domain) throws IOException {
        String device = event.getDevice();
        Applied a = ledger.apply(device, event.getSeq(), event.getTs(), domain);
        export.entry(domain, a, ledger.tables(device));
        return a;
    }

    /** Folds every event {@code events} yields, handing what each gave to {@code applied}. */
    public void foldAll(DeviceEvents events, Consumer<Applied> applied) throws IOException {
        for (DeviceEvents.Published e = events.next(); e != null; e = events.next()) {
            applied.accept(fold(e.event(), e.domain()));
        }
    }

    /** Ends the trace and flushes it (the writer stays open). */
    public void finish() throws IOException {
        export.finish();
    }

    /** Ledger entries written as slices so far. */
    public long slices() {
        return export.slices();
    }
}
