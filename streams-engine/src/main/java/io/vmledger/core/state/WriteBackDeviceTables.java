package io.vmledger.core.state;

import io.vmledger.core.store.OrderedTable;
import io.vmledger.core.store.WriteBackTable;
import java.util.Set;

/**
 * The tables of one device as one event sees them: the small records an event rewrites many
 * times (device, VMs, BOs, page-table counters) are buffered in {@link WriteBackTable}s and
 * written once at the end of the event ({@link #flush}); every other table is the device's own.
 */
public final class WriteBackDeviceTables {
    private static final Set<String> BUFFERED = Set.of(DeviceTables.DEVICE, DeviceTables.VMS, DeviceTables.BOS,
            DeviceTables.PT_STATS);

    private WriteBackDeviceTables() {
    }

    /** A view of {@code tables} with the frequently rewritten tables buffered. */
    public static DeviceTables over(DeviceTables tables) {
        return new DeviceTables(new DeviceTables.TableSource() {
            @Override
            public <V> OrderedTable<V> table(String name) {
                OrderedTable<V> t = tables.table(name);
                return BUFFERED.contains(name) ? new WriteBackTable<>(t) : t;
            }
        });
    }

    /** Writes what a view made by {@link #over} buffered. */
    public static void flush(DeviceTables view) {
        view.forEachTable(t -> {
            if (t instanceof WriteBackTable<?> w) {
                w.flush();
            }
        });
    }
}
