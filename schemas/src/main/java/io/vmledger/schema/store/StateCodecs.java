package io.vmledger.schema.store;

import io.vmledger.core.alert.AlertTables;
import io.vmledger.core.alert.MappedGrowth;
import io.vmledger.core.alert.Watch;
import io.vmledger.core.event.Madv;
import io.vmledger.core.event.SubmitBo;
import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.gpuvm.VmWindow;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.DeviceRecord;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.state.FbRecord;
import io.vmledger.core.state.FileRecord;
import io.vmledger.core.state.GpuRecord;
import io.vmledger.core.state.PageTableStats;
import io.vmledger.core.state.PteRun;
import io.vmledger.core.state.SubmitRecord;
import io.vmledger.core.state.VmLogEntry;
import io.vmledger.core.state.VmLogRecord;
import io.vmledger.core.state.VmMode;
import io.vmledger.core.state.VmRecord;
import io.vmledger.core.state.Vma;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The value codec of every {@link DeviceTables} table. Each form starts with a version byte
 * ({@value #V1}); decoding refuses a version it does not know rather than misreading state. VM-log
 * entries are written in form {@value #V2} (the entry plus the seq and time of the event that
 * logged it); their {@value #V1} form, without those, still decodes (seq and time 0). Enums are
 * written as one byte, their {@link io.vmledger.core.Coded#code() code}, never their ordinal; an
 * unknown code is refused.
 */
public final class StateCodecs {
    static final byte V1 = 1;
    static final byte V2 = 2;
    static final byte V3 = 3;

    private static final Map<String, ValueCodec<?>> BY_TABLE =
            Map.ofEntries(
                    Map.entry(
                            DeviceTables.DEVICE,
                            // the saved-unmap count is written only when not 0, so records
                            // without one keep their 16 bytes (and older records read as 0)
                            codec(
                                    r -> r.displayUnmapsAvoided() == 0 ? 16 : 24,
                                    StateCodecs::putDevice,
                                    b ->
                                            new DeviceRecord(
                                                    b.getLong(),
                                                    b.getLong(),
                                                    b.remaining() >= 8 ? b.getLong() : 0))),
                    Map.entry(
                            DeviceTables.VMS,
                            codec(r -> 8 + 1 + 16 + 3, StateCodecs::putVm, StateCodecs::getVm)),
                    Map.entry(
                            DeviceTables.VAS,
                            codec(
                                    r -> 8 + 8 + Bin.nullableLongSize(r.va().bo()) + 8 + 2,
                                    StateCodecs::putVma,
                                    StateCodecs::getVma)),
                    Map.entry(DeviceTables.BO_VAS, marker()),
                    Map.entry(
                            DeviceTables.BOS,
                            codec(
                                    r ->
                                            8 * 4
                                                    + Bin.nullableBytesSize(Bin.utf8(r.name()))
                                                    + 1
                                                    + 4 * 4
                                                    + Bin.nullableLongSize(r.dmabuf())
                                                    + 1,
                                    StateCodecs::putBo,
                                    StateCodecs::getBo)),
                    Map.entry(
                            DeviceTables.FILES,
                            codec(
                                    r -> 8 + 2,
                                    (FileRecord r, ByteBuffer b) ->
                                            b.putLong(r.file())
                                                    .put(Bin.bool(r.vmBind()))
                                                    .put(Bin.bool(r.open())),
                                    b -> new FileRecord(b.getLong(), Bin.bool(b), Bin.bool(b)))),
                    Map.entry(DeviceTables.QUEUES, marker()),
                    Map.entry(
                            DeviceTables.HANDLES,
                            codec(
                                    r -> 4,
                                    (Integer r, ByteBuffer b) -> b.putInt(r),
                                    ByteBuffer::getInt)),
                    Map.entry(DeviceTables.PRIME, marker()),
                    Map.entry(DeviceTables.DMABUFS, longCodec()),
                    Map.entry(
                            DeviceTables.FBS,
                            codec(
                                    r -> 8 + 4 + 4 + 8 * r.bos().size(),
                                    StateCodecs::putFb,
                                    StateCodecs::getFb)),
                    Map.entry(DeviceTables.PT_TABLES, longCodec()),
                    Map.entry(
                            DeviceTables.PTES,
                            codec(
                                    r -> 8 + Bin.nullableLongSize(r.bo()) + 8,
                                    (PteRun r, ByteBuffer b) -> {
                                        b.putLong(r.end());
                                        Bin.putNullableLong(b, r.bo());
                                        b.putLong(r.offset());
                                    },
                                    b ->
                                            new PteRun(
                                                    b.getLong(),
                                                    Bin.getNullableLong(b),
                                                    b.getLong()))),
                    Map.entry(
                            DeviceTables.PT_STATS,
                            codec(
                                    r -> 32,
                                    (PageTableStats r, ByteBuffer b) ->
                                            b.putLong(r.l1())
                                                    .putLong(r.l2())
                                                    .putLong(r.l3())
                                                    .putLong(r.ptes()),
                                    b ->
                                            new PageTableStats(
                                                    b.getLong(),
                                                    b.getLong(),
                                                    b.getLong(),
                                                    b.getLong()))),
                    Map.entry(DeviceTables.VM_LOG, vmLogCodec()),
                    Map.entry(DeviceTables.VM_HISTORY, vmLogCodec()),
                    Map.entry(
                            DeviceTables.GPU,
                            codec(
                                    r ->
                                            8 * 4
                                                    + Bin.nullableBytesSize(Bin.utf8(r.gpu()))
                                                    + Bin.nullableBytesSize(Bin.utf8(r.kernel())),
                                    StateCodecs::putGpu,
                                    StateCodecs::getGpu)),
                    Map.entry(
                            DeviceTables.SUBMITS,
                            codec(
                                    r -> 8 + 4 + r.bos().size() * (8 + 8 + 8),
                                    StateCodecs::putSubmit,
                                    StateCodecs::getSubmit)),
                    Map.entry(
                            AlertTables.WATCH,
                            codec(
                                    r -> 16 + Bin.nullableLongSize(r.detail()) + 1,
                                    (Watch r, ByteBuffer b) -> {
                                        b.putLong(r.sinceTs()).putLong(r.sinceSeq());
                                        Bin.putNullableLong(b, r.detail());
                                        b.put(Bin.bool(r.raised()));
                                    },
                                    b ->
                                            new Watch(
                                                    b.getLong(),
                                                    b.getLong(),
                                                    Bin.getNullableLong(b),
                                                    Bin.bool(b)))),
                    Map.entry(
                            AlertTables.GROWTH,
                            codec(
                                    r -> 8 * 6 + 4 + 1,
                                    StateCodecs::putGrowth,
                                    StateCodecs::getGrowth)),
                    Map.entry(AlertTables.VM_MAPPED, longCodec()));

    private StateCodecs() {}

    /** The codec of the table called {@code table}. */
    @SuppressWarnings("unchecked")
    public static <V> ValueCodec<V> of(String table) {
        ValueCodec<?> c = BY_TABLE.get(table);
        if (c == null) {
            throw new IllegalArgumentException("no codec for table " + table);
        }
        return (ValueCodec<V>) c;
    }

    private interface Writer<V> {
        void write(V value, ByteBuffer out);
    }

    private static void putDevice(DeviceRecord r, ByteBuffer b) {
        b.putLong(r.lastSeq()).putLong(r.lastTs());
        if (r.displayUnmapsAvoided() != 0) {
            b.putLong(r.displayUnmapsAvoided());
        }
    }

    private static <V> ValueCodec<V> codec(
            ToIntFunction<V> size, Writer<V> writer, Function<ByteBuffer, V> reader) {
        return new ValueCodec<>() {
            @Override
            public byte[] encode(V value) {
                ByteBuffer b = ByteBuffer.allocate(1 + size.applyAsInt(value));
                b.put(V1);
                writer.write(value, b);
                return b.array();
            }

            @Override
            public V decode(byte[] bytes) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                byte version = b.get();
                if (version != V1) {
                    throw new IllegalStateException("state value of unknown version " + version);
                }
                return reader.apply(b);
            }
        };
    }

    private static ValueCodec<VmLogRecord> vmLogCodec() {
        return new ValueCodec<>() {
            @Override
            public byte[] encode(VmLogRecord r) {
                byte[] op = Bin.utf8(r.entry().op());
                boolean withBo = r.bo() != null;
                ByteBuffer b =
                        ByteBuffer.allocate(
                                1 + Bin.nullableBytesSize(op) + 24 + 16 + (withBo ? 16 : 0));
                b.put(withBo ? V3 : V2);
                Bin.putNullableBytes(b, op);
                b.putLong(r.entry().queue()).putLong(r.entry().iova()).putLong(r.entry().range());
                b.putLong(r.seq()).putLong(r.ts());
                if (withBo) {
                    b.putLong(r.bo()).putLong(r.offset());
                }
                return b.array();
            }

            @Override
            public VmLogRecord decode(byte[] bytes) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                byte version = b.get();
                if (version != V1 && version != V2 && version != V3) {
                    throw new IllegalStateException("state value of unknown version " + version);
                }
                VmLogEntry e =
                        new VmLogEntry(
                                Bin.getNullableString(b), b.getLong(), b.getLong(), b.getLong());
                if (version == V1) {
                    return new VmLogRecord(e, 0, 0);
                }
                long seq = b.getLong();
                long ts = b.getLong();
                return version == V2
                        ? new VmLogRecord(e, seq, ts)
                        : new VmLogRecord(e, seq, ts, b.getLong(), b.getLong());
            }
        };
    }

    private static void putGpu(GpuRecord r, ByteBuffer b) {
        b.putLong(r.chipId()).putLong(r.revn());
        Bin.putNullableBytes(b, Bin.utf8(r.gpu()));
        Bin.putNullableBytes(b, Bin.utf8(r.kernel()));
        b.putLong(r.dumpSeq()).putLong(r.dumpTs());
    }

    private static GpuRecord getGpu(ByteBuffer b) {
        long chip = b.getLong();
        long revn = b.getLong();
        String gpu = Bin.getNullableString(b);
        String kernel = Bin.getNullableString(b);
        return new GpuRecord(chip, revn, gpu, kernel, b.getLong(), b.getLong());
    }

    /** A submit: first-fault seq, then the BO table (bo, flags, iova: always looked up). */
    private static void putSubmit(SubmitRecord r, ByteBuffer b) {
        b.putLong(r.firstFaultSeq()).putInt(r.bos().size());
        for (SubmitBo sb : r.bos()) {
            b.putLong(sb.bo()).putLong(sb.flags()).putLong(sb.iova());
        }
    }

    private static SubmitRecord getSubmit(ByteBuffer b) {
        long firstFault = b.getLong();
        int n = b.getInt();
        List<SubmitBo> bos = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            bos.add(new SubmitBo(b.getLong(), b.getLong(), b.getLong()));
        }
        return new SubmitRecord(bos, firstFault);
    }

    private static ValueCodec<Boolean> marker() {
        return codec(r -> 1, (Boolean r, ByteBuffer b) -> b.put(Bin.bool(r)), Bin::bool);
    }

    private static ValueCodec<Long> longCodec() {
        return codec(r -> 8, (Long r, ByteBuffer b) -> b.putLong(r), ByteBuffer::getLong);
    }

    private static void putVm(VmRecord r, ByteBuffer b) {
        b.putLong(r.vm()).put((byte) r.mode().code());
        b.putLong(r.window().start()).putLong(r.window().size());
        b.put(Bin.bool(r.hasPrr())).put(Bin.bool(r.unusable())).put(Bin.bool(r.closed()));
    }

    private static VmRecord getVm(ByteBuffer b) {
        long vm = b.getLong();
        VmMode mode = VmMode.ofCode(b.get());
        VmWindow window = new VmWindow(b.getLong(), b.getLong());
        return new VmRecord(vm, mode, window, Bin.bool(b), Bin.bool(b), Bin.bool(b));
    }

    private static void putVma(Vma r, ByteBuffer b) {
        Va va = r.va();
        b.putLong(va.addr()).putLong(va.range());
        Bin.putNullableLong(b, va.bo());
        b.putLong(va.offset()).put(Bin.bool(va.dump())).put(Bin.bool(r.mapped()));
    }

    private static Vma getVma(ByteBuffer b) {
        Va va = new Va(b.getLong(), b.getLong(), Bin.getNullableLong(b), b.getLong(), Bin.bool(b));
        return new Vma(va, Bin.bool(b));
    }

    private static void putBo(BoRecord r, ByteBuffer b) {
        b.putLong(r.bo()).putLong(r.size()).putLong(r.flags());
        Bin.putNullableBytes(b, Bin.utf8(r.name()));
        b.put(Bin.bool(r.alive())).putInt(r.handles());
        Bin.putNullableLong(b, r.dmabuf());
        b.putInt(r.vmaRef())
                .putInt(r.pins())
                .putInt(r.vmaps())
                .put((byte) r.madv().code())
                .putLong(r.vmas());
    }

    private static BoRecord getBo(ByteBuffer b) {
        long bo = b.getLong();
        long size = b.getLong();
        long flags = b.getLong();
        String name = Bin.getNullableString(b);
        boolean alive = Bin.bool(b);
        int handles = b.getInt();
        Long dmabuf = Bin.getNullableLong(b);
        return new BoRecord(
                bo,
                size,
                flags,
                name,
                alive,
                handles,
                dmabuf,
                b.getInt(),
                b.getInt(),
                b.getInt(),
                Madv.ofCode(b.get()),
                b.getLong());
    }

    private static void putFb(FbRecord r, ByteBuffer b) {
        b.putLong(r.fb()).putInt(r.prepareCount()).putInt(r.bos().size());
        for (Long bo : r.bos()) {
            b.putLong(bo);
        }
    }

    private static FbRecord getFb(ByteBuffer b) {
        long fb = b.getLong();
        int prepared = b.getInt();
        int n = b.getInt();
        List<Long> bos = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            bos.add(b.getLong());
        }
        return new FbRecord(fb, List.copyOf(bos), prepared);
    }

    private static void putGrowth(MappedGrowth r, ByteBuffer b) {
        b.putLong(r.mapped()).putLong(r.stepStart()).putLong(r.high()).putInt(r.rising());
        b.putLong(r.runStart()).putLong(r.runFrom()).putLong(r.runSeq()).put(Bin.bool(r.raised()));
    }

    private static MappedGrowth getGrowth(ByteBuffer b) {
        return new MappedGrowth(
                b.getLong(),
                b.getLong(),
                b.getLong(),
                b.getInt(),
                b.getLong(),
                b.getLong(),
                b.getLong(),
                Bin.bool(b));
    }
}
