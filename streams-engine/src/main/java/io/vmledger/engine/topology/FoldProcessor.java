package io.vmledger.engine.topology;

import io.vmledger.core.alert.AlertThresholds;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.ledger.Applied;
import io.vmledger.core.ledger.DeviceLedger;
import io.vmledger.core.ledger.DeviceState;
import io.vmledger.core.state.DeviceRecord;
import io.vmledger.engine.store.KeyValueByteStore;
import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.codec.OutcomeEncoder;
import io.vmledger.schema.store.ByteStore;
import io.vmledger.schema.store.StoreLayout;
import io.vmledger.schema.store.StoreTableSource;
import io.vmledger.schema.wire.EventAdmission;
import io.vmledger.schema.wire.Wire;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The engine's one processor: admits each input record (else dead-letters it with its raw bytes,
 * source position and reason), applies its event to the device's state in the task's stores through
 * the core's façade ({@link DeviceLedger}), and forwards what it produced: one ledger entry per
 * event (the same entry {@code replay} prints), the devcoredump, the alerts, and a snapshot when
 * one is due. Lifetime alerts are swept on a stream-time punctuator ({@link AlertStage}).
 */
final class FoldProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private final DeviceLedger ledger;
    private final LedgerCounters counters;
    private final CoredumpCapture coredumps;
    private final AlertStage alerts;
    private final long snapshotEvery;
    private final WorkingSetBudget workingSetBudget;
    private final EventBoundaries boundaries;
    // the partition this processor's task folds, and the epoch its queries were opened at
    private int partition = -1;
    private long epoch;
    private BoHistory boHistory;
    private SnapshotEmitter snapshots;
    private ProcessorContext<byte[], byte[]> context;
    private Map<String, ByteStore> stores;
    private WorkingSet devices;

    FoldProcessor(
            FoldConfig config,
            AlertThresholds thresholds,
            long snapshotEvery,
            WorkingSetBudget workingSetBudget,
            LedgerCounters counters,
            EventBoundaries boundaries) {
        this.ledger = new DeviceLedger(config, thresholds);
        this.counters = counters;
        this.boundaries = boundaries;
        this.coredumps = new CoredumpCapture(EngineTopology.COREDUMP_SINK);
        this.alerts = new AlertStage(ledger, EngineTopology.ALERT_SINK, boundaries);
        this.snapshotEvery = snapshotEvery;
        this.workingSetBudget = workingSetBudget;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.stores = new HashMap<>();
        for (String name : StoreLayout.STORES) {
            KeyValueStore<Bytes, byte[]> s = context.getStateStore(name);
            stores.put(name, new KeyValueByteStore(s));
        }
        boHistory = new BoHistory(new KeyValueByteStore(context.getStateStore(BoHistory.STORE)));
        stores.put(StoreLayout.BOS, boHistory.mirroring(stores.get(StoreLayout.BOS)));
        snapshots =
                new SnapshotEmitter(
                        snapshotEvery, stores::get, context, EngineTopology.SNAPSHOT_SINK);
        if (devices != null) {
            counters.unwatch(devices);
            devices.release();
        }
        this.devices = new WorkingSet(workingSetBudget, d -> new StoreTableSource(d, stores::get));
        counters.watch(devices);
        alerts.init(context, devices);
        // Kafka Streams initialises processors once the task's stores are restored: from now on
        // queries may read this partition's stores
        partition = context.taskId().partition();
        epoch = boundaries.opened(partition);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        EventAdmission.Verdict admitted = admit(record);
        if (admitted == null) {
            return;
        }
        VmEvent event = admitted.wire();
        DeviceState state = devices.state(event.getDevice());
        boHistory.at(eventTimeMs(event, state));
        Applied applied;
        int stripe = boundaries.begin(event.getDevice());
        try {
            applied =
                    ledger.apply(
                            event.getDevice(),
                            event.getSeq(),
                            event.getTs(),
                            admitted.domain(),
                            state);
        } finally {
            boundaries.end(stripe);
        }
        LedgerEntry entry = OutcomeEncoder.encode(applied.outcome());
        counters.outcome(entry.getStatus());
        context.forward(record.withValue(OutputLimits.ledger(entry)), EngineTopology.LEDGER_SINK);
        coredumps.forward(applied, record, context);
        alerts.forward(applied.alerts());
        snapshots.afterEvent(record, applied);
        devices.folded(event.getDevice());
    }

    @Override
    public void close() {
        if (partition >= 0) {
            boundaries.closed(partition, epoch);
            partition = -1;
        }
        if (devices != null) {
            counters.unwatch(devices);
            devices.release();
            devices = null;
        }
        alerts.close();
    }

    /**
     * The record's event if it is one the fold may apply ({@link EventAdmission}). Anything else is
     * dead-lettered here with the reason (null returned), so that no input, whatever its bytes,
     * reaches code that could fail the task.
     */
    private EventAdmission.Verdict admit(Record<byte[], byte[]> record) {
        EventAdmission.Verdict verdict = EventAdmission.of(record.key(), record.value());
        if (!verdict.admitted()) {
            deadLetter(record, verdict.reason());
            return null;
        }
        return verdict;
    }

    private void deadLetter(Record<byte[], byte[]> record, String reason) {
        RecordMetadata md = context.recordMetadata().orElse(null);
        byte[] value =
                Wire.deadLetter(
                        DeadLetters.of(
                                md == null ? "" : md.topic(),
                                md == null ? -1 : md.partition(),
                                md == null ? -1 : md.offset(),
                                record.timestamp(),
                                record.key(),
                                record.value(),
                                reason));
        counters.deadLetter();
        // the dead letter carries the input's bytes in its value: its own key is cut like them,
        // and the input's headers are not copied, so that it always fits the dead-letter topic
        context.forward(
                new Record<>(DeadLetters.kept(record.key()), value, record.timestamp()),
                EngineTopology.DEADLETTER_SINK);
    }

    /**
     * The event time the fold gives {@code event}, in ms: its {@code ts}, or, when absent, the
     * device's previous event time (what the fold uses), whatever the record's timestamp says.
     */
    private static long eventTimeMs(VmEvent event, DeviceState state) {
        return DeviceRecord.eventTime(event.getTs(), state.tables().deviceRecord()) / 1000;
    }
}
