package io.vmledger.engine.query;

import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.query.DeviceSummary;
import io.vmledger.core.query.VmView;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.DeviceRecord;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.engine.topology.BoHistory;
import io.vmledger.engine.topology.EventBoundaries;
import io.vmledger.schema.codec.OutcomeEncoder;
import io.vmledger.schema.json.JsonOut;
import io.vmledger.schema.json.LedgerJson;
import io.vmledger.schema.json.StateJson;
import io.vmledger.schema.store.ByteStore;
import io.vmledger.schema.store.StateCodecs;
import io.vmledger.schema.store.StoreLayout;
import io.vmledger.schema.store.StoreTableSource;
import io.vmledger.schema.store.ValueCodec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;

/**
 * Answers queries from this instance's own stores: the domain core's {@link DeviceQueries} run on
 * read-only views ({@link QueriedByteStore}, the one read path of every query) of the same tables
 * the fold writes, so a query sees exactly what {@code replay --state} would print.
 */
public final class LocalQueries {
    private static final ValueCodec<DeviceRecord> DEVICE_CODEC =
            StateCodecs.of(DeviceTables.DEVICE);
    private static final StringSerializer KEYS = new StringSerializer();
    private static final ValueCodec<BoRecord> BO_CODEC = StateCodecs.of(DeviceTables.BOS);

    private final KafkaStreams streams;
    private final FoldConfig config;
    private final EventBoundaries boundaries;

    /**
     * @param boundaries the fold's event boundaries and served partitions (of the topology {@code
     *     streams} runs)
     */
    public LocalQueries(KafkaStreams streams, FoldConfig config, EventBoundaries boundaries) {
        this.streams = streams;
        this.config = config;
        this.boundaries = boundaries;
    }

    /** The fold's event boundaries, which every device query here is checked against. */
    EventBoundaries boundaries() {
        return boundaries;
    }

    /**
     * Devices whose active partition is on this instance, with their last seq and time.
     *
     * @throws Unavailable while a partition assigned here is still restoring (its devices would be
     *     missing from the list)
     */
    Map<String, DeviceRecord> devices() {
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                int p = task.taskId().partition();
                if (!boundaries.serves(p)) {
                    throw new Unavailable(
                            "partition " + p + " is restoring on this instance; try again");
                }
            }
        }
        Map<String, DeviceRecord> out = new TreeMap<>();
        ByteStore devices = new QueriedByteStore(streams, StoreLayout.DEVICES, null);
        try (ByteStore.CloseableIterator it = devices.range(null, null, false)) {
            while (it.hasNext()) {
                Map.Entry<Bytes, byte[]> kv = it.next();
                out.put(StoreLayout.device(kv.getKey().get()), DEVICE_CODEC.decode(kv.getValue()));
            }
        }
        return out;
    }

    /**
     * Where {@code device}'s state lives: its partition and the instance holding it active, or null
     * while no instance owns it (rebalancing).
     */
    public KeyQueryMetadata owner(String device) {
        KeyQueryMetadata md = streams.queryMetadataForKey(StoreLayout.DEVICES, device, KEYS);
        return md == null || md.equals(KeyQueryMetadata.NOT_AVAILABLE) || md.activeHost() == null
                ? null
                : md;
    }

    /**
     * The device's queries on {@code partition} (which must be active on this instance). Callers
     * validate what they read against {@link #boundaries()}: a 404 is only true if the partition
     * was served and no event of the device was written while it was read.
     *
     * @throws BadRequest (a 404 to HTTP clients) if the device has no events
     */
    public DeviceQueries device(String device, int partition) {
        DeviceQueries q = queries(device, partition);
        if (q.device() == null) {
            throw new BadRequest(404, "no device '" + device + "'");
        }
        return q;
    }

    private DeviceQueries queries(String device, int partition) {
        DeviceTables tables =
                new DeviceTables(
                        new StoreTableSource(
                                device, store -> new QueriedByteStore(streams, store, partition)));
        return new DeviceQueries(tables, config);
    }

    /**
     * {@code device}'s BO {@code bo} as it was at {@code asOf}: the version the BO history ({@link
     * BoHistory}, by event time in milliseconds) holds for that instant, or null if the BO did not
     * exist then.
     */
    public BoRecord boAsOf(String device, int partition, long bo, Instant asOf) {
        byte[] version =
                BoHistory.asOf(
                        new QueriedByteStore(streams, BoHistory.STORE, partition),
                        device,
                        bo,
                        asOf.toEpochMilli());
        return version == null ? null : BO_CODEC.decode(version);
    }

    static String vms(String device, List<VmView> vms) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"device\":");
        JsonOut.string(b, device);
        b.append(",\"vms\":[");
        for (int i = 0; i < vms.size(); i++) {
            b.append(i == 0 ? "" : ",").append(StateJson.vm(device, vms.get(i), false));
        }
        return b.append("]}").toString();
    }

    static String vas(String device, long vm, long from, long to, List<Va> vas) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"device\":");
        JsonOut.string(b, device);
        b.append(",\"vm\":");
        JsonOut.u64(b, vm);
        b.append(",\"from\":");
        JsonOut.u64(b, from);
        b.append(",\"to\":");
        JsonOut.u64(b, to);
        b.append(",\"vas\":");
        StateJson.vas(b, vas);
        return b.append('}').toString();
    }

    static String lookup(String device, long vm, long iova, Va va) {
        StringBuilder b = new StringBuilder(128);
        b.append("{\"device\":");
        JsonOut.string(b, device);
        b.append(",\"vm\":");
        JsonOut.u64(b, vm);
        b.append(",\"iova\":");
        JsonOut.u64(b, iova);
        b.append(",\"va\":");
        if (va == null) {
            b.append("null");
        } else {
            LedgerJson.writeVa(OutcomeEncoder.va(va), b);
        }
        return b.append('}').toString();
    }

    static String summary(String device, DeviceRecord d, DeviceSummary s) {
        StringBuilder b = new StringBuilder(160);
        b.append("{\"device\":");
        JsonOut.string(b, device);
        b.append(",\"last_seq\":");
        JsonOut.u64(b, d.lastSeq());
        b.append(",\"bos\":").append(s.bos());
        b.append(",\"total\":").append(s.total());
        b.append(",\"shared\":").append(s.shared());
        b.append(",\"resident\":").append(s.resident());
        b.append(",\"purgeable\":").append(s.purgeable());
        return b.append('}').toString();
    }
}
