package io.vmledger.core.alert;

/**
 * How much an alert matters: {@code info} is normal behaviour worth noting, {@code warning} a
 * probable leak.
 */
public enum Severity {
    INFO,
    WARNING
}
