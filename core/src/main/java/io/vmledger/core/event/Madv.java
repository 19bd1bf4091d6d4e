package io.vmledger.core.event;

import io.vmledger.core.CodeTable;
import io.vmledger.core.Coded;

/**
 * A BO's madvise state (MSM_MADV_WILLNEED, MSM_MADV_DONTNEED, __MSM_MADV_PURGED). BO state values
 * carry it by {@link #code()}.
 */
public enum Madv implements Coded {
    /** Backing pages wanted (the default). */
    WILLNEED(0),
    /** Userspace allows the shrinker to purge the pages. */
    DONTNEED(1),
    /** Purged by the shrinker: the contents are gone for good. */
    PURGED(2);

    private static final CodeTable<Madv> CODES = new CodeTable<>(Madv.class);

    private final int code;

    Madv(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    /** The state whose code is {@code code}; an unknown code is refused. */
    public static Madv ofCode(int code) {
        return CODES.of(code);
    }
}
