package io.vmledger.core.query;

/**
 * A device's memory accounting in fdinfo's terms (bytes), see {@link DeviceQueries#summary()}.
 *
 * @param bos live BOs
 */
public record DeviceSummary(long bos, long total, long shared, long resident, long purgeable) {}
