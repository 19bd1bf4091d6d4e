package io.vmledger.core.ledger;

import io.vmledger.core.alert.Alert;
import io.vmledger.core.alert.AlertThresholds;
import io.vmledger.core.event.Event;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.state.DeviceTables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The façade over many devices with in-memory state: what {@code vmledger replay}, the tests and
 * the benchmarks run. Lifetime alerts are swept per device whenever its event time has moved {@code
 * sweepEveryUs} past its last sweep (0: after every event, the strictest schedule, which {@code
 * replay} uses; the engine sweeps every {@link #ENGINE_SWEEP_US} of stream time). Devices are kept
 * in ascending id order.
 */
public final class InMemoryLedger {
    /** The engine's sweep interval, in microseconds of event time. */
    public static final long ENGINE_SWEEP_US = 5_000_000;

    private final DeviceLedger ledger;
    private final long sweepEveryUs;
    private final Map<String, DeviceState> devices = new TreeMap<>();
    private final Map<String, Long> lastSweep = new HashMap<>();

    public InMemoryLedger(FoldConfig config, AlertThresholds thresholds, long sweepEveryUs) {
        this.ledger = new DeviceLedger(config, thresholds);
        this.sweepEveryUs = sweepEveryUs;
    }

    /** Default alert thresholds, swept on the engine's schedule. */
    public InMemoryLedger(FoldConfig config) {
        this(config, AlertThresholds.DEFAULT, ENGINE_SWEEP_US);
    }

    /** Applies one event; its alerts include those a sweep due after it raised. */
    public Applied apply(String device, long seq, Long ts, Event event) {
        DeviceState state = devices.computeIfAbsent(device, d -> DeviceState.inMemory());
        Applied a = ledger.apply(device, seq, ts, event, state);
        long now = a.outcome().ts();
        Long last = lastSweep.get(device);
        if (last == null || now - last >= sweepEveryUs) {
            lastSweep.put(device, now);
            List<Alert> swept = ledger.sweep(device, state);
            if (!swept.isEmpty()) {
                List<Alert> all = new ArrayList<>(a.alerts());
                all.addAll(swept);
                return new Applied(
                        a.outcome(), a.seqBefore(), a.touched(), a.crash(), List.copyOf(all));
            }
        }
        return a;
    }

    /** The state of {@code device}, or null if it has no event yet. */
    public DeviceState state(String device) {
        return devices.get(device);
    }

    /** The kernel-model tables of {@code device}, or null if it has no event yet. */
    public DeviceTables tables(String device) {
        DeviceState s = devices.get(device);
        return s == null ? null : s.tables();
    }

    /** Queries over each device, ascending by device id. */
    public Map<String, DeviceQueries> devices() {
        Map<String, DeviceQueries> out = new TreeMap<>();
        devices.forEach((d, s) -> out.put(d, ledger.queries(s)));
        return out;
    }
}
