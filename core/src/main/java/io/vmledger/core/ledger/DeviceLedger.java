package io.vmledger.core.ledger;

import io.vmledger.core.alert.Alert;
import io.vmledger.core.alert.AlertEvaluator;
import io.vmledger.core.alert.AlertThresholds;
import io.vmledger.core.alert.Touched;
import io.vmledger.core.dump.CrashCapture;
import io.vmledger.core.dump.CrashState;
import io.vmledger.core.event.Event;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.msm.DeviceFold;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.state.DeviceRecord;
import java.util.List;

/**
 * The core's one entry point: applies an event to a device's state and returns everything it
 * produced ({@link Applied}): the ledger outcome from the kernel model ({@link DeviceFold}), the
 * devcoredump it captured, the alerts it raised, and what it touched. {@code replay}, the tests,
 * the benchmarks, the audit's as-of fold and the Kafka Streams engine all call it, so that a test
 * of the core is a test of the engine.
 *
 * <p>Lifetime alerts (a leak that has lasted) are raised by {@link #sweep}, which a caller runs
 * from time to time: the engine every few seconds of stream time, {@code replay} after every event.
 * Either way each condition is raised once.
 */
public final class DeviceLedger {
    private final FoldConfig config;
    private final DeviceFold fold;
    private final AlertEvaluator alerts;

    public DeviceLedger(FoldConfig config, AlertThresholds thresholds) {
        this.config = config;
        this.fold = new DeviceFold(config);
        this.alerts = new AlertEvaluator(thresholds);
    }

    /** Applies one event of {@code device} to its {@code state}. */
    public Applied apply(String device, long seq, Long ts, Event event, DeviceState state) {
        DeviceRecord before = state.tables().deviceRecord();
        Touched touched = alerts.touched(event, state.tables());
        Outcome outcome = fold.apply(device, seq, ts, event, state.tables());
        CrashState crash =
                CrashCapture.captures(outcome)
                        ? CrashCapture.capture(
                                outcome, event, new DeviceQueries(state.tables(), config))
                        : null;
        List<Alert> raised =
                alerts.afterFold(event, outcome, touched, state.tables(), state.alerts());
        state.flush();
        return new Applied(outcome, before == null ? 0 : before.lastSeq(), touched, crash, raised);
    }

    /** Raises every lifetime condition of {@code device} that has held long enough, once. */
    public List<Alert> sweep(String device, DeviceState state) {
        List<Alert> raised = alerts.sweep(device, state.tables(), state.alerts());
        state.flush();
        return raised;
    }

    /** Read-only queries over a device's state, with this ledger's configuration. */
    public DeviceQueries queries(DeviceState state) {
        return new DeviceQueries(state.tables(), config);
    }
}
