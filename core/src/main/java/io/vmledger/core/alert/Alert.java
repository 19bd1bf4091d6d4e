package io.vmledger.core.alert;

/**
 * One raised alert: which rule, on which device and subject, what was seen, and when.
 *
 * @param vm the VM concerned, or null
 * @param bo the BO concerned, or null
 * @param value the measured quantity (held µs for BO lifetime rules, page-table pages for bloat,
 *     mappings left at close, bytes grown)
 * @param limit the threshold {@code value} was compared with (0 for info rules)
 * @param bytes bytes concerned (BO size, mapped bytes)
 * @param firstSeen event time since which the condition holds (µs)
 * @param raised the device's event time when the alert was raised (µs)
 * @param seq the device seq of the event that started the condition
 */
public record Alert(
        AlertRule rule,
        String device,
        Long vm,
        Long bo,
        String evidence,
        long value,
        long limit,
        long bytes,
        long firstSeen,
        long raised,
        long seq) {
    public Severity severity() {
        return rule.severity();
    }
}
