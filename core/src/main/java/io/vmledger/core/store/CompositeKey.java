package io.vmledger.core.store;

/**
 * A fixed-width key of up to three u64 parts, ordered unsigned part by part.
 *
 * <p>This is the one key type of every state table: {@code (vm, addr)} for VAs, {@code (bo, vm,
 * addr)} for the BO→VA index, {@code (file, bo)} for handles and so on. Unused trailing parts are
 * 0. Its byte form is the parts as big-endian u64s, so the byte order a store such as RocksDB sorts
 * by is exactly this order: address order is byte order and an overlap lookup is a range scan.
 */
public record CompositeKey(long a, long b, long c) implements Comparable<CompositeKey> {
    /** The width of the byte form. */
    public static final int BYTES = 24;

    /** A one-part key. */
    public static CompositeKey of(long a) {
        return new CompositeKey(a, 0, 0);
    }

    /** A two-part key. */
    public static CompositeKey of(long a, long b) {
        return new CompositeKey(a, b, 0);
    }

    /** A three-part key. */
    public static CompositeKey of(long a, long b, long c) {
        return new CompositeKey(a, b, c);
    }

    /** The greatest key whose first part is {@code a}: the inclusive end of a prefix scan. */
    public static CompositeKey lastOf(long a) {
        return new CompositeKey(a, -1L, -1L);
    }

    /** The greatest key whose first two parts are {@code (a, b)}. */
    public static CompositeKey lastOf(long a, long b) {
        return new CompositeKey(a, b, -1L);
    }

    @Override
    public int compareTo(CompositeKey o) {
        int r = Long.compareUnsigned(a, o.a);
        if (r != 0) {
            return r;
        }
        r = Long.compareUnsigned(b, o.b);
        return r != 0 ? r : Long.compareUnsigned(c, o.c);
    }

    /** The big-endian byte form (see the class comment). */
    public byte[] toBytes() {
        byte[] out = new byte[BYTES];
        writeTo(out, 0);
        return out;
    }

    /** Writes the byte form into {@code out} at {@code offset}. */
    public void writeTo(byte[] out, int offset) {
        put(out, offset, a);
        put(out, offset + 8, b);
        put(out, offset + 16, c);
    }

    /** Decodes {@link #toBytes()}. */
    public static CompositeKey fromBytes(byte[] bytes, int offset) {
        return new CompositeKey(
                get(bytes, offset), get(bytes, offset + 8), get(bytes, offset + 16));
    }

    private static void put(byte[] out, int at, long v) {
        for (int i = 7; i >= 0; i--) {
            out[at + i] = (byte) v;
            v >>>= 8;
        }
    }

    private static long get(byte[] in, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (in[at + i] & 0xff);
        }
        return v;
    }
}
