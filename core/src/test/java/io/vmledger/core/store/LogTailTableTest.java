package io.vmledger.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@link LogTailTable} against the reference {@link InMemoryTable}, with seeded random appends,
 * rewrites, deletes and reads over a few logs, in events ended by a flush: the newest entry of a
 * log (the floor over the whole log) and every other read answer as the reference does, whether or
 * not the tail is already known; and after a flush the table underneath equals the reference.
 */
class LogTailTableTest {
    private static final int LOGS = 4;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void answersAsTheReferenceWhateverTheWrites(long seed) {
        Random r = new Random(seed);
        InMemoryTable<Long> durable = new InMemoryTable<>();
        InMemoryTable<Long> reference = new InMemoryTable<>();
        long[] next = new long[LOGS];
        for (int log = 0; log < LOGS - 1; log++) {
            for (int n = 0; n < r.nextInt(20); n++) {
                durable.put(CompositeKey.of(log, n), (long) n);
                reference.put(CompositeKey.of(log, n), (long) n);
                next[log] = n + 1;
            }
        }
        LogTailTable<Long> table = new LogTailTable<>(new WriteBackTable<>(durable));
        int tailReads = 0;
        for (int event = 0; event < 300; event++) {
            for (int op = 0; op < 1 + r.nextInt(8); op++) {
                int log = r.nextInt(LOGS);
                CompositeKey some = CompositeKey.of(log, r.nextInt((int) next[log] + 2));
                switch (r.nextInt(8)) {
                    case 0, 1, 2 -> {
                        long v = r.nextLong();
                        CompositeKey k = CompositeKey.of(log, next[log]++);
                        table.put(k, v);
                        reference.put(k, v);
                    }
                    case 3 -> {
                        table.put(some, 7L);
                        reference.put(some, 7L);
                        next[log] = Math.max(next[log], some.b() + 1);
                    }
                    case 4 -> {
                        table.delete(some);
                        reference.delete(some);
                    }
                    case 5 ->
                            assertEquals(
                                    reference.floor(CompositeKey.of(log, 0), some),
                                    table.floor(CompositeKey.of(log, 0), some),
                                    "seed " + seed + " floor inside a log");
                    case 6 -> assertEquals(reference.get(some), table.get(some), "get");
                    default -> {
                        tailReads++;
                        assertEquals(
                                reference.floor(CompositeKey.of(log, 0), CompositeKey.lastOf(log)),
                                table.floor(CompositeKey.of(log, 0), CompositeKey.lastOf(log)),
                                "seed " + seed + " tail of log " + log);
                    }
                }
            }
            table.flush();
            assertEquals(all(reference), all(durable), "seed " + seed + " event " + event);
        }
        assertTrue(tailReads > 100, "the tail was asked for often");
    }

    private static String all(OrderedTable<Long> t) {
        StringBuilder b = new StringBuilder();
        try (Cursor<Long> c = t.range(CompositeKey.of(0, 0, 0), CompositeKey.of(-1L, -1L, -1L))) {
            while (c.hasNext()) {
                Map.Entry<CompositeKey, Long> e = c.next();
                b.append(e.getKey()).append('=').append(e.getValue()).append('\n');
            }
        }
        return b.toString();
    }
}
