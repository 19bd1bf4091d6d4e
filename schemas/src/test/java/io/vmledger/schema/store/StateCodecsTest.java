package io.vmledger.schema.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.core.alert.AlertTables;
import io.vmledger.core.alert.MappedGrowth;
import io.vmledger.core.alert.Watch;
import io.vmledger.core.event.Madv;
import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.gpuvm.VmWindow;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.DeviceRecord;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.state.FbRecord;
import io.vmledger.core.state.FileRecord;
import io.vmledger.core.state.PageTableStats;
import io.vmledger.core.state.PteRun;
import io.vmledger.core.state.VmLogEntry;
import io.vmledger.core.state.VmLogRecord;
import io.vmledger.core.state.VmMode;
import io.vmledger.core.state.VmRecord;
import io.vmledger.core.state.Vma;
import io.vmledger.core.store.CompositeKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every state value survives its store codec, u64 extremes and nulls included; store keys sort as
 * the core's keys.
 */
class StateCodecsTest {
    private static final Map<String, List<Object>> SAMPLES =
            Map.ofEntries(
                    Map.entry(
                            DeviceTables.DEVICE,
                            List.of(
                                    new DeviceRecord(-1L, 0),
                                    new DeviceRecord(7, 123456789),
                                    new DeviceRecord(8, 123456790, 3))),
                    Map.entry(
                            DeviceTables.VMS,
                            List.of(
                                    new VmRecord(
                                            0,
                                            VmMode.KMS,
                                            new VmWindow(0x1000, -4096L),
                                            false,
                                            true,
                                            false),
                                    new VmRecord(
                                            -1L,
                                            VmMode.VM_BIND,
                                            new VmWindow(0, 1),
                                            true,
                                            false,
                                            true))),
                    Map.entry(
                            DeviceTables.VAS,
                            List.of(
                                    new Vma(new Va(-4096L, 4096, null, 0, true), false),
                                    new Vma(new Va(0x100000, 0x2000, 7L, -1L, false), true))),
                    Map.entry(DeviceTables.BO_VAS, List.of(true, false)),
                    Map.entry(
                            DeviceTables.BOS,
                            List.of(
                                    new BoRecord(
                                            1,
                                            4096,
                                            0x10001,
                                            null,
                                            true,
                                            1,
                                            null,
                                            1,
                                            0,
                                            0,
                                            Madv.WILLNEED,
                                            0),
                                    new BoRecord(
                                            -1L,
                                            -1L,
                                            4,
                                            "scanout \u00e9",
                                            false,
                                            0,
                                            99L,
                                            0,
                                            3,
                                            2,
                                            Madv.PURGED,
                                            -1L))),
                    Map.entry(
                            DeviceTables.FILES,
                            List.of(
                                    new FileRecord(3, true, false),
                                    new FileRecord(-1L, false, true))),
                    Map.entry(DeviceTables.QUEUES, List.of(true)),
                    Map.entry(DeviceTables.HANDLES, List.of(1, Integer.MAX_VALUE)),
                    Map.entry(DeviceTables.PRIME, List.of(true)),
                    Map.entry(DeviceTables.DMABUFS, List.of(5L, -1L)),
                    Map.entry(
                            DeviceTables.FBS,
                            List.of(
                                    new FbRecord(2, List.of(1L, 2L, -1L), 3),
                                    new FbRecord(1, List.of(), 0))),
                    Map.entry(DeviceTables.PT_TABLES, List.of(0L, -1L)),
                    Map.entry(
                            DeviceTables.PTES,
                            List.of(new PteRun(-1L, null, 0), new PteRun(0x3000, 9L, 0x1000))),
                    Map.entry(DeviceTables.PT_STATS, List.of(new PageTableStats(1, 2, 3, -1L))),
                    Map.entry(
                            DeviceTables.VM_LOG,
                            List.of(
                                    new VmLogRecord(
                                            new VmLogEntry("map", 1, -4096L, 4096), 12, -1L),
                                    new VmLogRecord(new VmLogEntry("close", 0, 0, 1), 0, 0))),
                    Map.entry(
                            AlertTables.WATCH,
                            List.of(new Watch(-1L, 3, null, false), new Watch(5, -1L, 9L, true))),
                    Map.entry(
                            AlertTables.GROWTH,
                            List.of(
                                    new MappedGrowth(1, -1L, 3, 4, 5, -6L, 7, true),
                                    MappedGrowth.start(0))),
                    Map.entry(AlertTables.VM_MAPPED, List.of(0L, -1L)));

    @Test
    void everyTableHasACodecAndEveryValueRoundTrips() {
        for (Map.Entry<String, List<Object>> e : SAMPLES.entrySet()) {
            ValueCodec<Object> codec = StateCodecs.of(e.getKey());
            for (Object v : e.getValue()) {
                assertEquals(v, codec.decode(codec.encode(v)), e.getKey());
            }
        }
        assertEquals(18, SAMPLES.size());
    }

    @Test
    void aVmLogEntryWrittenBeforeItsOriginWasKeptStillDecodes() {
        // version 1: op (length-prefixed UTF-8), queue, iova, range; no seq and time
        ByteBuffer v1 = ByteBuffer.allocate(1 + 4 + 5 + 24);
        v1.put((byte) 1)
                .putInt(5)
                .put("unmap".getBytes(StandardCharsets.UTF_8))
                .putLong(2)
                .putLong(0x100000000L)
                .putLong(0x1000);
        assertEquals(
                new VmLogRecord(new VmLogEntry("unmap", 2, 0x100000000L, 0x1000), 0, 0),
                StateCodecs.<VmLogRecord>of(DeviceTables.VM_LOG).decode(v1.array()));
    }

    @Test
    void enumsAreWrittenAsTheirPinnedCodes() {
        // bytes written before enums had codes (by ordinal): they must stay the same, both ways
        Map<VmMode, String> vms =
                Map.of(
                        VmMode.VM_BIND,
                                "0100000000000000050000000000000010000000000000002000010001",
                        VmMode.MANAGED,
                                "0100000000000000050100000000000010000000000000002000010001",
                        VmMode.KMS, "0100000000000000050200000000000010000000000000002000010001");
        ValueCodec<VmRecord> vmCodec = StateCodecs.of(DeviceTables.VMS);
        vms.forEach(
                (mode, hex) -> {
                    VmRecord vm =
                            new VmRecord(5, mode, new VmWindow(0x1000, 0x2000), true, false, true);
                    assertEquals(hex, HexFormat.of().formatHex(vmCodec.encode(vm)));
                    assertEquals(vm, vmCodec.decode(HexFormat.of().parseHex(hex)));
                });
        Map<Madv, String> bos =
                Map.of(
                        Madv.WILLNEED, BO_HEAD + "00" + BO_TAIL,
                        Madv.DONTNEED, BO_HEAD + "01" + BO_TAIL,
                        Madv.PURGED, BO_HEAD + "02" + BO_TAIL);
        ValueCodec<BoRecord> boCodec = StateCodecs.of(DeviceTables.BOS);
        bos.forEach(
                (madv, hex) -> {
                    BoRecord bo =
                            new BoRecord(7, 4096, 0x10001, "a", true, 1, null, 2, 3, 4, madv, 5);
                    assertEquals(hex, HexFormat.of().formatHex(boCodec.encode(bo)));
                    assertEquals(bo, boCodec.decode(HexFormat.of().parseHex(hex)));
                });
    }

    /**
     * A BO record's bytes up to its madvise code (version, bo, size, flags, name, alive, handles,
     * dmabuf, vma_ref, pins, vmaps).
     */
    private static final String BO_HEAD =
            "01"
                    + "0000000000000007"
                    + "0000000000001000"
                    + "0000000000010001"
                    + "0000000161"
                    + "01"
                    + "00000001"
                    + "00"
                    + "00000002"
                    + "00000003"
                    + "00000004";

    /** A BO record's bytes after its madvise code (vmas). */
    private static final String BO_TAIL = "0000000000000005";

    @Test
    void anUnknownEnumCodeIsRefusedNotMisread() {
        ValueCodec<VmRecord> vmCodec = StateCodecs.of(DeviceTables.VMS);
        byte[] vm =
                vmCodec.encode(
                        new VmRecord(5, VmMode.KMS, new VmWindow(0, 1), false, false, false));
        vm[9] = 3;
        assertThrows(IllegalArgumentException.class, () -> vmCodec.decode(vm));
        ValueCodec<BoRecord> boCodec = StateCodecs.of(DeviceTables.BOS);
        byte[] bo = HexFormat.of().parseHex(BO_HEAD + "ff" + BO_TAIL);
        assertThrows(IllegalArgumentException.class, () -> boCodec.decode(bo));
    }

    @Test
    void anUnknownVersionIsRefusedNotMisread() {
        byte[] b = StateCodecs.<DeviceRecord>of(DeviceTables.DEVICE).encode(new DeviceRecord(1, 2));
        b[0] = 9;
        assertThrows(
                IllegalStateException.class, () -> StateCodecs.of(DeviceTables.DEVICE).decode(b));
    }

    @Test
    void storeKeysSortLikeCompositeKeysWithinATableAndTablesDoNotInterleave() {
        byte[] p = StoreLayout.prefix("dev-\u00e9", DeviceTables.VAS);
        CompositeKey[] keys = {
            CompositeKey.of(1, 0),
            CompositeKey.of(1, 0x7fffffffffffffffL),
            CompositeKey.of(1, Long.MIN_VALUE),
            CompositeKey.of(1, -1L),
            CompositeKey.of(2, 0)
        };
        for (int i = 1; i < keys.length; i++) {
            assertTrue(
                    Arrays.compareUnsigned(
                                    StoreLayout.key(p, keys[i - 1]), StoreLayout.key(p, keys[i]))
                            < 0);
        }
        byte[] other = StoreLayout.prefix("dev-\u00e9", DeviceTables.BO_VAS);
        assertTrue(
                Arrays.compareUnsigned(
                                StoreLayout.key(p, CompositeKey.lastOf(-1L)),
                                StoreLayout.key(other, CompositeKey.of(0)))
                        < 0);
        assertEquals("dev-\u00e9", StoreLayout.device(StoreLayout.key(p, keys[0])));
    }
}
