package io.vmledger.core.fold;

import io.vmledger.core.event.Event;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.state.DeviceTables;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fold over many devices with in-memory tables: what {@code vmledger replay}, the tests and
 * the benchmarks run. Devices are kept in ascending id order.
 */
public final class InMemoryLedger {
    private final DeviceFold fold;
    private final FoldConfig config;
    private final Map<String, DeviceTables> devices = new TreeMap<>();

    public InMemoryLedger(FoldConfig config) {
        this.config = config;
        this.fold = new DeviceFold(config);
    }

    /** Folds one event. */
    public Outcome apply(String device, long seq, Long ts, Event event) {
        return fold.apply(device, seq, ts, event, devices.computeIfAbsent(device, d -> DeviceTables.inMemory()));
    }

    /** The tables of {@code device}, or null if it has no event yet. */
    public DeviceTables tables(String device) {
        return devices.get(device);
    }

    /** Queries over each device, ascending by device id. */
    public Map<String, DeviceQueries> devices() {
        Map<String, DeviceQueries> out = new TreeMap<>();
        devices.forEach((d, t) -> out.put(d, new DeviceQueries(t, config)));
        return out;
    }
}
