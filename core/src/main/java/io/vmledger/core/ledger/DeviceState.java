package io.vmledger.core.ledger;

import io.vmledger.core.alert.AlertTables;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.store.LogTailTable;
import io.vmledger.core.store.MirroredTable;
import io.vmledger.core.store.OrderedTable;
import io.vmledger.core.store.WriteBackTable;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the core keeps of one device: the kernel model's tables and the alert rules' tables,
 * both over one {@link DeviceTables.TableSource}. Three forms: in memory ({@code replay}), directly
 * over the engine's stores with per-event write-back ({@link #over}), or as the engine's working
 * set ({@link #mirroring}): heap tables loaded from the stores on first use, whose changes reach
 * the stores at the end of every event.
 */
public final class DeviceState {
    private final DeviceTables tables;
    private final AlertTables alerts;

    /** The heap tables of a working-set device (empty otherwise). */
    private final List<MirroredTable<?>> mirrored;

    /** The logs whose tails a working-set device keeps in the heap (empty otherwise). */
    private final List<LogTailTable<?>> logs;

    private DeviceState(
            DeviceTables.TableSource source,
            List<MirroredTable<?>> mirrored,
            List<LogTailTable<?>> logs,
            boolean writeBack) {
        this.tables = new DeviceTables(writeBack ? DeviceTables.withWriteBack(source) : source);
        this.alerts = new AlertTables(source);
        this.mirrored = mirrored;
        this.logs = logs;
    }

    /**
     * A device's state directly over {@code source}, the kernel model's writes buffered per event.
     */
    public static DeviceState over(DeviceTables.TableSource source) {
        return new DeviceState(source, List.of(), List.of(), true);
    }

    /** A new device's state in memory. */
    public static DeviceState inMemory() {
        return new DeviceState(DeviceTables.inMemory(), AlertTables.inMemory());
    }

    /**
     * A device's state in the heap, loaded from {@code durable} (one ordered scan per table, when
     * an event first uses the table); every change reaches {@code durable} at {@link #flush()},
     * which the façade calls at the end of every event and sweep.
     */
    public static DeviceState mirroring(DeviceTables.TableSource durable) {
        List<MirroredTable<?>> heap = new ArrayList<>();
        List<LogTailTable<?>> logs = new ArrayList<>();
        DeviceTables.TableSource source =
                new DeviceTables.TableSource() {
                    @Override
                    public <V> OrderedTable<V> table(String name) {
                        if (name.equals(DeviceTables.VM_LOG)) {
                            // the VM log keeps a VM's whole history (use-after-unmap diagnoses):
                            // it stays in the store, written back per event, read by short scans;
                            // the heap keeps only each VM's newest entry (where appends go)
                            LogTailTable<V> t =
                                    new LogTailTable<>(
                                            new WriteBackTable<>(durable.<V>table(name)));
                            logs.add(t);
                            return t;
                        }
                        MirroredTable<V> t = new MirroredTable<>(durable.<V>table(name));
                        heap.add(t);
                        return t;
                    }
                };
        // the constructor creates the tables, and so fills heap
        return new DeviceState(source, heap, logs, false);
    }

    private DeviceState(DeviceTables tables, AlertTables alerts) {
        this.tables = tables;
        this.alerts = alerts;
        this.mirrored = List.of();
        this.logs = List.of();
    }

    /** The kernel model's tables. */
    public DeviceTables tables() {
        return tables;
    }

    /** The alert rules' tables. */
    public AlertTables alerts() {
        return alerts;
    }

    /** Writes every change held in the heap to the durable copy (a no-op unless mirroring). */
    public void flush() {
        for (MirroredTable<?> t : mirrored) {
            t.flush();
        }
    }

    /**
     * Entries held in the heap for this device (0 unless mirroring): what its working-set cost is
     * counted in.
     */
    public long heapEntries() {
        long n = 0;
        for (MirroredTable<?> t : mirrored) {
            n += t.size();
        }
        for (LogTailTable<?> t : logs) {
            n += t.tails();
        }
        return n;
    }
}
