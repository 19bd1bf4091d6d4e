package io.vmledger.core.alert;

/**
 * A lifetime rule's condition holding for one subject, stored under {@code (rule, subject)} in
 * {@link AlertTables#watch()}: since when, from which event, and whether it was raised already (an
 * alert is raised once while the condition holds; the entry goes when it stops holding).
 *
 * @param detail what the event that started it adds (the framebuffer of a pin), or null
 */
public record Watch(long sinceTs, long sinceSeq, Long detail, boolean raised) {

    /** This watch marked raised. */
    public Watch markRaised() {
        return new Watch(sinceTs, sinceSeq, detail, true);
    }
}
