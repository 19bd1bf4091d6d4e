package io.vmledger.core.state;

import java.util.List;

/**
 * A KMS framebuffer, stored under key {@code (fb)}: its plane BOs and how many prepares are
 * outstanding (prepares are refcounted per fb; only the first pins, only the last cleanup unpins,
 * §4).
 */
public record FbRecord(long fb, List<Long> bos, int prepareCount) {}
