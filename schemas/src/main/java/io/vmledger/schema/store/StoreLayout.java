package io.vmledger.schema.store;

import io.vmledger.core.alert.AlertTables;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.store.CompositeKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Where each {@link DeviceTables} table lives in the engine's Kafka Streams stores, and the byte
 * form of its keys.
 *
 * <p>A task holds many devices, so a store key is {@code [u16 device length][device UTF-8][u8 table
 * tag][24-byte CompositeKey]}: every table of a device is one contiguous key range, and within a
 * table the big-endian composite key makes byte order address order, so the fold's overlap lookups
 * are range scans. Related tables share a store (and so a RocksDB instance and a changelog) to keep
 * the number of stores per task small.
 */
public final class StoreLayout {
    /** Device records only: listing a task's devices is a scan of this store. */
    public static final String DEVICES = "devices";

    /**
     * Files, queues, handles, PRIME tables, dma-bufs, framebuffers, the GPU record and in-flight
     * submits.
     */
    public static final String FILES = "files";

    /** VM records and their page-table counters. */
    public static final String VMS = "vms";

    /** VAs and the BO→VA index. */
    public static final String VAS = "vas";

    /** BO records. */
    public static final String BOS = "bos";

    /** Page-table table runs and PTE runs. */
    public static final String PAGETABLES = "pagetables";

    /** The VM logs, and vmledger's own history of legacy VMs. */
    public static final String VM_LOG = "vm-log";

    /** Subjects whose alert condition holds now (scanned by the alert punctuator). */
    public static final String ALERT_WATCH = "alert-watch";

    /** Per-device alert bookkeeping: mapped bytes per VM and their trend. */
    public static final String ALERT_STATE = "alert-state";

    /** Every store, in topology order. */
    public static final List<String> STORES =
            List.of(DEVICES, FILES, VMS, VAS, BOS, PAGETABLES, VM_LOG, ALERT_WATCH, ALERT_STATE);

    private record Place(String store, byte tag) {}

    private static final Map<String, Place> PLACES =
            Map.ofEntries(
                    Map.entry(DeviceTables.DEVICE, new Place(DEVICES, (byte) 0)),
                    Map.entry(DeviceTables.FILES, new Place(FILES, (byte) 1)),
                    Map.entry(DeviceTables.QUEUES, new Place(FILES, (byte) 2)),
                    Map.entry(DeviceTables.HANDLES, new Place(FILES, (byte) 3)),
                    Map.entry(DeviceTables.PRIME, new Place(FILES, (byte) 4)),
                    Map.entry(DeviceTables.DMABUFS, new Place(FILES, (byte) 5)),
                    Map.entry(DeviceTables.FBS, new Place(FILES, (byte) 6)),
                    Map.entry(DeviceTables.VMS, new Place(VMS, (byte) 7)),
                    Map.entry(DeviceTables.PT_STATS, new Place(VMS, (byte) 8)),
                    Map.entry(DeviceTables.VAS, new Place(VAS, (byte) 9)),
                    Map.entry(DeviceTables.BO_VAS, new Place(VAS, (byte) 10)),
                    Map.entry(DeviceTables.BOS, new Place(BOS, (byte) 11)),
                    Map.entry(DeviceTables.PT_TABLES, new Place(PAGETABLES, (byte) 12)),
                    Map.entry(DeviceTables.PTES, new Place(PAGETABLES, (byte) 13)),
                    Map.entry(DeviceTables.VM_LOG, new Place(VM_LOG, (byte) 14)),
                    Map.entry(DeviceTables.GPU, new Place(FILES, (byte) 15)),
                    Map.entry(DeviceTables.SUBMITS, new Place(FILES, (byte) 16)),
                    Map.entry(DeviceTables.VM_HISTORY, new Place(VM_LOG, (byte) 17)),
                    Map.entry(AlertTables.WATCH, new Place(ALERT_WATCH, (byte) 20)),
                    Map.entry(AlertTables.GROWTH, new Place(ALERT_STATE, (byte) 21)),
                    Map.entry(AlertTables.VM_MAPPED, new Place(ALERT_STATE, (byte) 22)));

    private static final int MAX_DEVICE_BYTES = 0xffff;

    private StoreLayout() {}

    /** The store holding {@code table}. */
    public static String storeOf(String table) {
        return place(table).store();
    }

    /**
     * The key prefix of {@code table} for {@code device}: every key of the table starts with it.
     */
    public static byte[] prefix(String device, String table) {
        byte[] d = devicePrefix(device);
        byte[] p = Arrays.copyOf(d, d.length + 1);
        p[d.length] = place(table).tag();
        return p;
    }

    /**
     * The key prefix of {@code device} in every store ({@code [u16 length][device UTF-8]}): all of
     * the device's state, over all its tables, is the key range starting with it.
     */
    public static byte[] devicePrefix(String device) {
        byte[] d = device.getBytes(StandardCharsets.UTF_8);
        if (d.length > MAX_DEVICE_BYTES) {
            throw new IllegalArgumentException(
                    "device id longer than " + MAX_DEVICE_BYTES + " bytes");
        }
        byte[] p = new byte[2 + d.length];
        p[0] = (byte) (d.length >>> 8);
        p[1] = (byte) d.length;
        System.arraycopy(d, 0, p, 2, d.length);
        return p;
    }

    /**
     * The last possible store key of {@code device} (its prefix, a tag and a composite key of 0xff
     * bytes).
     */
    public static byte[] deviceLastKey(String device) {
        byte[] d = devicePrefix(device);
        byte[] last = Arrays.copyOf(d, d.length + 1 + CompositeKey.BYTES);
        Arrays.fill(last, d.length, last.length, (byte) 0xff);
        return last;
    }

    /** The store key of {@code key} under {@code prefix}. */
    public static byte[] key(byte[] prefix, CompositeKey key) {
        byte[] out = new byte[prefix.length + CompositeKey.BYTES];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        key.writeTo(out, prefix.length);
        return out;
    }

    /** The device of a store key. */
    public static String device(byte[] storeKey) {
        int n = ((storeKey[0] & 0xff) << 8) | (storeKey[1] & 0xff);
        return new String(storeKey, 2, n, StandardCharsets.UTF_8);
    }

    private static Place place(String table) {
        Place p = PLACES.get(table);
        if (p == null) {
            throw new IllegalArgumentException("no store for table " + table);
        }
        return p;
    }
}
