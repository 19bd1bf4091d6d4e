package io.vmledger.core;

/**
 * A constant persisted by an explicit code rather than by its ordinal (state values, store keys):
 * declaring, reordering or removing constants never changes what existing bytes decode to. A code,
 * once written anywhere, keeps its meaning and is never reused; {@link CodeTable} decodes.
 */
public interface Coded {
    /** The code bytes carry for this constant. */
    int code();
}
