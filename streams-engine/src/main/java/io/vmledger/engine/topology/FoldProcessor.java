package io.vmledger.engine.topology;

import io.vmledger.core.alert.AlertThresholds;
import io.vmledger.core.event.Event;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.ledger.Applied;
import io.vmledger.core.ledger.DeviceLedger;
import io.vmledger.core.ledger.DeviceState;
import io.vmledger.core.state.DeviceRecord;
import io.vmledger.engine.store.KeyValueByteStore;
import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.codec.EventDecoder;
import io.vmledger.schema.codec.OutcomeEncoder;
import io.vmledger.schema.store.ByteStore;
import io.vmledger.schema.store.StoreLayout;
import io.vmledger.schema.store.StoreTableSource;
import io.vmledger.schema.topic.Topics;
import io.vmledger.schema.wire.EnvelopeRules;
import io.vmledger.schema.wire.Wire;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
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
        Admitted admitted = admit(record);
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
     * The record's event if it is one the fold may apply: a value of at most {@link
     * Topics#MAX_EVENT_BYTES}, a decodable VmEvent whose envelope keeps {@link EnvelopeRules} and
     * whose key is its device. Anything else is dead-lettered here (null returned), so that no
     * input, whatever its bytes, reaches code that could fail the task.
     */
    private Admitted admit(Record<byte[], byte[]> record) {
        byte[] value = record.value();
        if (value == null) {
            deadLetter(record, "no value (tombstone)");
            return null;
        }
        if (value.length > Topics.MAX_EVENT_BYTES) {
            deadLetter(
                    record,
                    "event of "
                            + value.length
                            + " bytes is over the "
                            + Topics.MAX_EVENT_BYTES
                            + " bytes an event may have");
            return null;
        }
        VmEvent event;
        Event domain;
        try {
            event = Wire.event(value);
            domain = EventDecoder.decode(event);
        } catch (IOException | RuntimeException e) {
            deadLetter(record, "undecodable event: " + describe(e));
            return null;
        }
        String problem = EnvelopeRules.problem(event);
        if (problem != null) {
            deadLetter(record, "invalid event: " + problem);
            return null;
        }
        String key = keyString(record.key());
        if (key == null || !key.equals(event.getDevice())) {
            deadLetter(
                    record,
                    "record key "
                            + (key == null ? "(none or not UTF-8)" : "'" + shown(key) + "'")
                            + " is not the event's device '"
                            + event.getDevice()
                            + "'");
            return null;
        }
        return new Admitted(event, domain);
    }

    /** An input record's event, as it came (Avro) and as the core folds it. */
    private record Admitted(VmEvent wire, Event domain) {}

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

    private static String keyString(byte[] key) {
        if (key == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(key)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * The event time the fold gives {@code event}, in ms: its {@code ts}, or, when absent, the
     * device's previous event time (what the fold uses), whatever the record's timestamp says.
     */
    private static long eventTimeMs(VmEvent event, DeviceState state) {
        return DeviceRecord.eventTime(event.getTs(), state.tables().deviceRecord()) / 1000;
    }

    /** {@code text}, cut so that a huge key or message does not flood the reason. */
    private static String shown(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    /**
     * The failure's kind and message; for a decoder failure that {@code Wire} wrapped, the original
     * one.
     */
    private static String describe(Exception e) {
        Throwable t =
                e instanceof IOException && e.getCause() instanceof RuntimeException
                        ? e.getCause()
                        : e;
        String kind = t.getClass().getSimpleName();
        return t.getMessage() == null ? kind : kind + ": " + shown(t.getMessage());
    }
}
