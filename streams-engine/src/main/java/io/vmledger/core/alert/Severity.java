package io.vmledger.core.alert;

import java.util.Locale;

/** How much an alert matters: {@code info} is normal behaviour worth noting, {@code warning} a probable leak. */
public enum Severity {
    INFO, WARNING;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The printed name. */
    public String label() {
        return label;
    }

    /** The severity printed as {@code label}. */
    public static Severity ofLabel(String label) {
        for (Severity s : values()) {
            if (s.label.equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("severity must be info or warning, got '" + label + "'");
    }
}
