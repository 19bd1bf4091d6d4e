package io.vmledger.core.alert;

import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.store.BTreeTable;
import io.vmledger.core.store.CompositeKey;
import io.vmledger.core.store.OrderedTable;

/**
 * The alert state of one device, as named ordered tables beside its {@link DeviceTables}: the
 * engine keeps them in changelogged stores so that a restart neither loses nor repeats alerts. The
 * watch table holds only subjects whose lifetime condition holds now, so scanning it is cheap
 * however many BOs the device has.
 */
public final class AlertTables {
    /** Table names, also store places of the engine. */
    public static final String WATCH = "alert-watch";

    public static final String GROWTH = "alert-growth";
    public static final String VM_MAPPED = "alert-vm-mapped";

    private final OrderedTable<Watch> watch;
    private final OrderedTable<MappedGrowth> growth;
    private final OrderedTable<Long> vmMapped;

    public AlertTables(DeviceTables.TableSource source) {
        this.watch = source.table(WATCH);
        this.growth = source.table(GROWTH);
        this.vmMapped = source.table(VM_MAPPED);
    }

    /** A device's alert state in memory. */
    public static AlertTables inMemory() {
        return new AlertTables(
                new DeviceTables.TableSource() {
                    @Override
                    public <V> OrderedTable<V> table(String name) {
                        return new BTreeTable<>();
                    }
                });
    }

    /**
     * {@code (rule code, subject)} → the lifetime condition holding for that subject (BO or VM id).
     */
    public OrderedTable<Watch> watch() {
        return watch;
    }

    /** The {@link #watch()} key of {@code rule} on {@code subject}. */
    public static CompositeKey watchKey(AlertRule rule, long subject) {
        return CompositeKey.of(rule.code(), subject);
    }

    /** The rule of a {@link #watch()} key; a key of no known rule is refused. */
    public static AlertRule watchRule(CompositeKey key) {
        long code = key.a();
        if (code != (int) code) {
            throw new IllegalArgumentException(
                    "alert watch key of unknown rule code " + Long.toUnsignedString(code));
        }
        return AlertRule.ofCode((int) code);
    }

    /** The subject (BO or VM id) of a {@link #watch()} key. */
    public static long watchSubject(CompositeKey key) {
        return key.b();
    }

    /** {@code (0)} → the device's mapped bytes and their trend. */
    public OrderedTable<MappedGrowth> growth() {
        return growth;
    }

    /**
     * {@code (vm)} → populated PTEs of the VM when last counted into the device's mapped bytes
     * (absent = 0).
     */
    public OrderedTable<Long> vmMapped() {
        return vmMapped;
    }
}
