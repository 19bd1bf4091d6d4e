package io.vmledger.engine.fuzz;

import io.vmledger.schema.VmEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Extreme field values for {@link Mutation#EXTREME_FIELD} and {@link Mutation#EXTREME_ENVELOPE}:
 * copies of a valid event with one field of its payload (found generically through the Avro schema,
 * so every long and string of every event type, VM_BIND ops included, can be hit) or of its
 * envelope set to a value at or beyond the edge of its range.
 */
final class FieldExtremes {
    /** u64 values at the edges: 0, 1, u64 max, 2^63, 2^63-1, the last page, 2^48, 2^32. */
    private static final long[] LONGS = {
        0,
        1,
        -1,
        Long.MIN_VALUE,
        Long.MAX_VALUE,
        -4096,
        1L << 48,
        (1L << 48) - 4096,
        1L << 32,
        0xFFFF_FFFFL,
        4095,
        4097
    };

    private FieldExtremes() {}

    /** A copy of {@code e} with one payload field extreme (or {@code e}'s copy when none fits). */
    static VmEvent payload(VmEvent e, Random r) {
        VmEvent copy = VmEvent.newBuilder(e).build();
        List<Consumer<Object>> longs = new ArrayList<>();
        List<Consumer<Object>> strings = new ArrayList<>();
        slots((SpecificRecordBase) copy.getPayload(), longs, strings);
        if (!strings.isEmpty() && (longs.isEmpty() || r.nextInt(5) == 0)) {
            strings.get(r.nextInt(strings.size())).accept(extremeString(r));
        } else if (!longs.isEmpty()) {
            longs.get(r.nextInt(longs.size())).accept(extremeLong(r));
        }
        return copy;
    }

    /**
     * A copy of {@code e} with its device, seq or ts extreme. A seq near 2^63 goes to a device of
     * its own, so that it does not turn the rest of a fleet device's epoch into duplicates.
     */
    static VmEvent envelope(VmEvent e, Random r) {
        VmEvent.Builder b = VmEvent.newBuilder(e);
        switch (r.nextInt(3)) {
            case 0 -> b.setDevice(extremeDevice(r, e.getDevice()));
            case 1 -> {
                long seq =
                        new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 1, 1}
                                [r.nextInt(6)];
                b.setSeq(seq);
                if (seq > 1) {
                    b.setDevice(e.getDevice() + ".hi" + r.nextInt(8));
                }
            }
            default ->
                    b.setTs(
                            new Long[] {null, -1L, Long.MIN_VALUE, 0L, Long.MAX_VALUE, 1L << 62}
                                    [r.nextInt(6)]);
        }
        return b.build();
    }

    private static String extremeDevice(Random r, String device) {
        return switch (r.nextInt(8)) {
            case 0 -> "";
            case 1 -> "d".repeat(128);
            case 2 -> "d".repeat(129);
            case 3 -> "d".repeat(70_000);
            case 4 -> device + " ";
            case 5 -> device + "\u00e9";
            case 6 -> device + "\0";
            default -> "x:._-" + r.nextInt(100);
        };
    }

    private static long extremeLong(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextLong();
            case 1 -> LONGS[r.nextInt(LONGS.length)] + r.nextInt(3) - 1;
            default -> LONGS[r.nextInt(LONGS.length)];
        };
    }

    private static String extremeString(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> "";
            case 1 -> "n".repeat(32 + r.nextInt(3));
            case 2 -> "n".repeat(1 + r.nextInt(200_000));
            case 3 -> "\u00e9\u0000\ud83d\ude00";
            default -> "n".repeat(31);
        };
    }

    /** Setters of every long and string field of {@code rec}, its arrays' items included. */
    @SuppressWarnings("unchecked")
    private static void slots(
            SpecificRecordBase rec, List<Consumer<Object>> longs, List<Consumer<Object>> strings) {
        for (Schema.Field f : rec.getSchema().getFields()) {
            int i = f.pos();
            Schema s = f.schema();
            if (accepts(s, Schema.Type.LONG)) {
                longs.add(v -> rec.put(i, v));
            } else if (accepts(s, Schema.Type.STRING)) {
                strings.add(v -> rec.put(i, v));
            } else if (s.getType() == Schema.Type.ARRAY && rec.get(i) != null) {
                List<Object> items = (List<Object>) rec.get(i);
                for (int k = 0; k < items.size(); k++) {
                    int at = k;
                    Object item = items.get(k);
                    if (item instanceof SpecificRecordBase nested) {
                        slots(nested, longs, strings);
                    } else if (item instanceof Long) {
                        longs.add(v -> items.set(at, v));
                    }
                }
            }
        }
    }

    private static boolean accepts(Schema s, Schema.Type type) {
        if (s.getType() == type) {
            return true;
        }
        return s.getType() == Schema.Type.UNION
                && s.getTypes().stream().anyMatch(t -> t.getType() == type);
    }
}
