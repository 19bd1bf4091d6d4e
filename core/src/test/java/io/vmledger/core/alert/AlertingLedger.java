package io.vmledger.core.alert;

import io.vmledger.core.event.Event;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.fold.InMemoryLedger;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.state.DeviceTables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The in-memory fold with the alert rules around it, as the engine runs them, for tests: after
 * every event the device's due conditions are swept (the engine sweeps every few seconds of
 * stream time; sweeping after every event is the strictest schedule).
 */
public final class AlertingLedger {
    final InMemoryLedger ledger = new InMemoryLedger(FoldConfig.DEFAULT);
    final AlertEvaluator evaluator;
    private final Map<String, AlertTables> alertTables = new TreeMap<>();
    final List<Alert> alerts = new ArrayList<>();

    public AlertingLedger(AlertThresholds thresholds) {
        this.evaluator = new AlertEvaluator(thresholds);
    }

    /** Folds one event and evaluates the rules; returns its outcome. */
    public Outcome apply(String device, long seq, long ts, Event e) {
        DeviceTables before = ledger.tables(device);
        Touched touched = evaluator.touched(e, before == null ? DeviceTables.inMemory() : before);
        Outcome o = ledger.apply(device, seq, ts, e);
        DeviceTables tables = ledger.tables(device);
        AlertTables a = alertTables(device);
        alerts.addAll(evaluator.afterFold(e, o, touched, tables, a));
        alerts.addAll(evaluator.sweep(device, tables, a));
        return o;
    }

    public AlertTables alertTables(String device) {
        return alertTables.computeIfAbsent(device, d -> AlertTables.inMemory());
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
