package io.vmledger.core;

import java.lang.reflect.Array;

/**
 * The constants of a {@link Coded} enum by code: what a decoder reads back, one array lookup,
 * refusing a code no constant has rather than misreading state. Codes must be small, non-negative
 * and distinct (checked when the table is built).
 */
public final class CodeTable<E extends Enum<E> & Coded> {
    private final Class<E> type;
    private final E[] byCode;

    /** The table of {@code type}'s constants; shared or negative codes are refused. */
    @SuppressWarnings("unchecked")
    public CodeTable(Class<E> type) {
        this.type = type;
        E[] constants = type.getEnumConstants();
        int max = -1;
        for (E e : constants) {
            if (e.code() < 0) {
                throw new IllegalStateException(
                        type.getSimpleName() + "." + e + " has negative code " + e.code());
            }
            max = Math.max(max, e.code());
        }
        this.byCode = (E[]) Array.newInstance(type, max + 1);
        for (E e : constants) {
            if (byCode[e.code()] != null) {
                throw new IllegalStateException(
                        type.getSimpleName()
                                + "."
                                + e
                                + " and "
                                + byCode[e.code()]
                                + " share code "
                                + e.code());
            }
            byCode[e.code()] = e;
        }
    }

    /** The constant whose code is {@code code}; an unknown code is refused. */
    public E of(int code) {
        E e = code >= 0 && code < byCode.length ? byCode[code] : null;
        if (e == null) {
            throw new IllegalArgumentException("unknown " + type.getSimpleName() + " code " + code);
        }
        return e;
    }
}
