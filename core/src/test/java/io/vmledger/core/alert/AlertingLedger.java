package io.vmledger.core.alert;

import io.vmledger.core.event.Event;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.ledger.Applied;
import io.vmledger.core.ledger.DeviceState;
import io.vmledger.core.ledger.InMemoryLedger;
import java.util.ArrayList;
import java.util.List;

/**
 * The core's façade in memory, for tests of the alert rules: collects every alert it raises,
 * sweeping after every event (the strictest schedule; the engine sweeps every few seconds of stream
 * time).
 */
public final class AlertingLedger {
    final InMemoryLedger ledger;
    final AlertEvaluator evaluator;
    final List<Alert> alerts = new ArrayList<>();

    public AlertingLedger(AlertThresholds thresholds) {
        this.ledger = new InMemoryLedger(FoldConfig.DEFAULT, thresholds, 0);
        this.evaluator = new AlertEvaluator(thresholds);
    }

    /** Applies one event; returns its outcome. */
    public Outcome apply(String device, long seq, long ts, Event e) {
        Applied a = ledger.apply(device, seq, ts, e);
        alerts.addAll(a.alerts());
        return a.outcome();
    }

    /** The alert tables of {@code device} (empty if it has no event yet). */
    public AlertTables alertTables(String device) {
        DeviceState s = ledger.state(device);
        return s == null ? AlertTables.inMemory() : s.alerts();
    }

    /** The alerts of {@code rule}. */
    public List<Alert> of(AlertRule rule) {
        return alerts.stream().filter(a -> a.rule() == rule).toList();
    }

    /** The warning-level alerts. */
    public List<Alert> warnings() {
        return alerts.stream().filter(a -> a.severity() == Severity.WARNING).toList();
    }
}
