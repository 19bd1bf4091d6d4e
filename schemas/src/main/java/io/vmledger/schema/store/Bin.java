package io.vmledger.schema.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Little helpers for the codecs' fixed-width binary forms: nullable longs and strings. */
final class Bin {
    private Bin() {}

    static int nullableLongSize(Long v) {
        return v == null ? 1 : 9;
    }

    static void putNullableLong(ByteBuffer b, Long v) {
        if (v == null) {
            b.put((byte) 0);
        } else {
            b.put((byte) 1).putLong(v);
        }
    }

    static Long getNullableLong(ByteBuffer b) {
        return b.get() == 0 ? null : b.getLong();
    }

    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static int nullableBytesSize(byte[] s) {
        return s == null ? 4 : 4 + s.length;
    }

    static void putNullableBytes(ByteBuffer b, byte[] s) {
        if (s == null) {
            b.putInt(-1);
        } else {
            b.putInt(s.length).put(s);
        }
    }

    static String getNullableString(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0) {
            return null;
        }
        String s = new String(b.array(), b.arrayOffset() + b.position(), n, StandardCharsets.UTF_8);
        b.position(b.position() + n);
        return s;
    }

    static boolean bool(ByteBuffer b) {
        return b.get() != 0;
    }

    static byte bool(boolean v) {
        return v ? (byte) 1 : (byte) 0;
    }
}
