package io.vmledger.producer.trace;

import io.vmledger.schema.VmEvent;

/**
 * One non-blank, non-comment line of a JSON Lines trace as {@link TraceReader} delivers it: either
 * the event it holds or why it is a bad event (trace-and-replay.md section 3).
 */
public sealed interface TraceLine permits TraceLine.Parsed, TraceLine.Bad {

    /** The 1-based physical line number in the input (blank and comment lines count). */
    long lineNo();

    /** A line that holds a valid event. */
    record Parsed(long lineNo, VmEvent event) implements TraceLine {}

    /**
     * A line that is not a valid event.
     *
     * @param reason one-line human reason, e.g. {@code field 'iova': "0x1g" is not a u64}
     * @param device the line's device if it could be read, else null
     * @param seq the line's seq if it could be read, else null
     */
    record Bad(long lineNo, String reason, String device, Long seq) implements TraceLine {

        /** A bad line whose device and seq are unknown. */
        public Bad(long lineNo, String reason) {
            this(lineNo, reason, null, null);
        }
    }
}
