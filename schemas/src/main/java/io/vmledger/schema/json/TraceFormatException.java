package io.vmledger.schema.json;

/**
 * A JSON line that does not follow trace-and-replay.md: not JSON, not an object, a missing required
 * field, an unknown {@code type}, a value of the wrong kind or a number outside u64.
 *
 * <p>The message is a one-line human reason suitable for the {@code reason} of a {@code bad_event}
 * outcome, e.g. {@code field 'iova': "0x1g" is not a u64}. When the line's {@code device} and
 * {@code seq} could be read before the problem was found they are kept, so a bad event can still be
 * attributed to its device.
 */
public class TraceFormatException extends IllegalArgumentException {

    private final String device;
    private final Long seq;

    /** A problem with no known event identity. */
    public TraceFormatException(String reason) {
        this(reason, null, null);
    }

    /**
     * @param reason one-line human reason
     * @param device the line's device if it was valid, else null
     * @param seq the line's seq if it was valid, else null
     */
    public TraceFormatException(String reason, String device, Long seq) {
        super(reason);
        this.device = device;
        this.seq = seq;
    }

    /** The line's device when it was readable and valid, else null. */
    public String device() {
        return device;
    }

    /** The line's seq when it was readable and valid, else null. */
    public Long seq() {
        return seq;
    }
}
