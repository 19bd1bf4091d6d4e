package io.vmledger.engine.topology;

import io.vmledger.core.alert.Alert;
import io.vmledger.core.ledger.DeviceLedger;
import io.vmledger.core.ledger.DeviceState;
import io.vmledger.schema.codec.AlertEncoder;
import io.vmledger.schema.store.StoreLayout;
import io.vmledger.schema.wire.Wire;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The fold processor's alert part: forwards the alerts the core's façade raises to the alert sink;
 * every {@link #SWEEP_INTERVAL} of stream time a punctuator sweeps the watched conditions of every
 * device of the task that has any (the {@link StoreLayout#ALERT_WATCH} store holds only those),
 * against each device's own latest event time. Alert state lives in changelogged stores and alerts
 * are forwarded in the task's transaction, so a restart neither loses nor repeats them.
 */
final class AlertStage {
    /** How often, in stream time, lifetime conditions are swept. */
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(5);

    private final DeviceLedger ledger;
    private final String sink;
    private ProcessorContext<byte[], byte[]> context;
    private WorkingSet devices;
    private KeyValueStore<Bytes, byte[]> watchStore;
    private Cancellable sweeps;

    private final EventBoundaries boundaries;

    AlertStage(DeviceLedger ledger, String sink, EventBoundaries boundaries) {
        this.ledger = ledger;
        this.sink = sink;
        this.boundaries = boundaries;
    }

    /** Binds the stage to the task: its devices' state and the sweep punctuator. */
    void init(ProcessorContext<byte[], byte[]> context, WorkingSet devices) {
        this.context = context;
        this.devices = devices;
        this.watchStore = context.getStateStore(StoreLayout.ALERT_WATCH);
        this.sweeps = context.schedule(SWEEP_INTERVAL, PunctuationType.STREAM_TIME, now -> sweep());
    }

    /** Stops the sweeps (the task is closing; a revived task schedules them again in init). */
    void close() {
        if (sweeps != null) {
            sweeps.cancel();
            sweeps = null;
        }
    }

    /** Raises every due lifetime condition of every device with a watched subject. */
    private void sweep() {
        for (String device : watchedDevices()) {
            DeviceState state = devices.state(device);
            List<Alert> raised;
            int stripe = boundaries.begin(device);
            try {
                raised = ledger.sweep(device, state);
            } finally {
                boundaries.end(stripe);
            }
            forward(raised);
            devices.folded(device);
        }
    }

    /**
     * Devices with at least one watch entry, in store order: one seek per device, not one read per
     * entry.
     */
    private List<String> watchedDevices() {
        List<String> out = new ArrayList<>();
        Bytes from = null;
        while (true) {
            try (KeyValueIterator<Bytes, byte[]> it =
                    from == null ? watchStore.all() : watchStore.range(from, null)) {
                if (!it.hasNext()) {
                    return out;
                }
                KeyValue<Bytes, byte[]> first = it.next();
                String device = StoreLayout.device(first.key.get());
                out.add(device);
                // no key has the device's last key (no table tag is 0xff): the next scan starts at
                // the next device
                from = Bytes.wrap(StoreLayout.deviceLastKey(device));
            }
        }
    }

    /** Forwards alerts to the alert sink, stamped with the time they were raised. */
    void forward(List<Alert> alerts) {
        for (Alert a : alerts) {
            context.forward(
                    new Record<>(
                            Wire.deviceKey(a.device()),
                            Wire.alert(AlertEncoder.encode(a)),
                            a.raised() / 1000),
                    sink);
        }
    }
}
