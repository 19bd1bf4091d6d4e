package io.vmledger.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vmledger.core.alert.AlertRule;
import io.vmledger.core.alert.AlertTables;
import io.vmledger.core.event.Madv;
import io.vmledger.core.state.VmMode;
import io.vmledger.core.store.CompositeKey;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The codes persisted state carries for enums are pinned: they are part of the stored bytes (state
 * values, alert watch keys), so changing one would misread every store, changelog and snapshot
 * written before. They equal the ordinals the codecs used to write.
 */
class PersistedCodesTest {

    @Test
    void madvCodesArePinned() {
        assertEquals(0, Madv.WILLNEED.code());
        assertEquals(1, Madv.DONTNEED.code());
        assertEquals(2, Madv.PURGED.code());
        assertRoundTripsAndRefusesUnknown(List.of(Madv.values()), Madv::ofCode);
    }

    @Test
    void vmModeCodesArePinned() {
        assertEquals(0, VmMode.VM_BIND.code());
        assertEquals(1, VmMode.MANAGED.code());
        assertEquals(2, VmMode.KMS.code());
        assertRoundTripsAndRefusesUnknown(List.of(VmMode.values()), VmMode::ofCode);
    }

    @Test
    void alertRuleCodesArePinned() {
        assertEquals(0, AlertRule.HANDLE_LEAK.code());
        assertEquals(1, AlertRule.PIN_LEAK.code());
        assertEquals(2, AlertRule.VMAP_LEAK.code());
        assertEquals(3, AlertRule.BO_KEPT_BY_MAPPINGS.code());
        assertEquals(4, AlertRule.DISPLAY_VMA_UNREFERENCED.code());
        assertEquals(5, AlertRule.PAGETABLE_BLOAT.code());
        assertEquals(6, AlertRule.MAPPINGS_AT_CLOSE.code());
        assertEquals(7, AlertRule.MAPPED_GROWTH.code());
        assertRoundTripsAndRefusesUnknown(List.of(AlertRule.values()), AlertRule::ofCode);
    }

    @Test
    void alertWatchKeysCarryTheRuleCode() {
        for (AlertRule rule : AlertRule.values()) {
            CompositeKey key = AlertTables.watchKey(rule, -2L);
            assertEquals(CompositeKey.of(rule.code(), -2L), key);
            assertSame(rule, AlertTables.watchRule(key));
            assertEquals(-2L, AlertTables.watchSubject(key));
        }
        assertThrows(
                IllegalArgumentException.class, () -> AlertTables.watchRule(CompositeKey.of(8, 1)));
        assertThrows(
                IllegalArgumentException.class,
                () -> AlertTables.watchRule(CompositeKey.of(1L << 32, 1)));
        assertThrows(
                IllegalArgumentException.class,
                () -> AlertTables.watchRule(CompositeKey.of(-1L, 1)));
    }

    private enum Clash implements Coded {
        A,
        B;

        @Override
        public int code() {
            return 1;
        }
    }

    private enum Negative implements Coded {
        A;

        @Override
        public int code() {
            return -1;
        }
    }

    @Test
    void aTableRefusesSharedOrNegativeCodes() {
        assertThrows(IllegalStateException.class, () -> new CodeTable<>(Clash.class));
        assertThrows(IllegalStateException.class, () -> new CodeTable<>(Negative.class));
    }

    private static <E extends Coded> void assertRoundTripsAndRefusesUnknown(
            List<E> constants, IntFunction<E> ofCode) {
        for (E e : constants) {
            assertSame(e, ofCode.apply(e.code()));
        }
        assertThrows(IllegalArgumentException.class, () -> ofCode.apply(-1));
        assertThrows(IllegalArgumentException.class, () -> ofCode.apply(constants.size()));
        assertThrows(IllegalArgumentException.class, () -> ofCode.apply(Integer.MAX_VALUE));
    }
}
