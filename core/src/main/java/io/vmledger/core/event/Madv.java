package io.vmledger.core.event;

/** A BO's madvise state (MSM_MADV_WILLNEED, MSM_MADV_DONTNEED, __MSM_MADV_PURGED). */
public enum Madv {
    /** Backing pages wanted (the default). */
    WILLNEED,
    /** Userspace allows the shrinker to purge the pages. */
    DONTNEED,
    /** Purged by the shrinker: the contents are gone for good. */
    PURGED
}
