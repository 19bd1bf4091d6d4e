package io.vmledger.engine.topology;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The rules a query's read is validated by: one event boundary, on a partition served here. */
class EventBoundariesTest {
    private final EventBoundaries b = new EventBoundaries();

    @Test
    void aPartitionNotOpenedHereIsNotServed() {
        assertFalse(b.serves(0));
        assertNull(b.stamp("dev", 0));
        long epoch = b.opened(0);
        assertTrue(b.serves(0));
        b.closed(0, epoch);
        assertFalse(b.serves(0));
    }

    @Test
    void aReadOverlappingAnEventsWritesIsNotAccepted() {
        b.opened(0);
        EventBoundaries.Stamp before = b.stamp("dev", 0);
        assertNotNull(before);
        assertTrue(b.unchanged(before));
        int stripe = b.begin("dev");
        assertNull(b.stamp("dev", 0), "no stamp while the event is being written");
        assertFalse(b.unchanged(before), "a read begun before the event overlapped it");
        b.end(stripe);
        EventBoundaries.Stamp after = b.stamp("dev", 0);
        assertNotNull(after);
        assertTrue(b.unchanged(after));
    }

    @Test
    void twoWritersOnOneStripeKeepItBusyUntilBothEnd() {
        b.opened(0);
        int one = b.begin("dev");
        int two = b.begin("dev");
        b.end(one);
        assertNull(b.stamp("dev", 0));
        b.end(two);
        assertNotNull(b.stamp("dev", 0));
    }

    @Test
    void aPartitionClosedOrReopenedWhileReadInvalidatesTheRead() {
        long first = b.opened(3);
        EventBoundaries.Stamp s = b.stamp("dev", 3);
        b.closed(3, first);
        assertFalse(b.unchanged(s));
        long second = b.opened(3);
        assertFalse(b.unchanged(s), "reopened: the stores may have been wiped and restored");
        b.closed(3, first);
        assertTrue(b.serves(3), "a stale close leaves the newer opening");
        b.closed(3, second);
        assertFalse(b.serves(3));
    }
}
