package io.vmledger.engine.fuzz;

import io.vmledger.core.event.Event;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.codec.EventDecoder;
import io.vmledger.schema.topic.Topics;
import io.vmledger.schema.wire.EnvelopeRules;
import io.vmledger.schema.wire.Wire;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * The reference model of admission: what must become of one input record, decided from its bytes
 * alone by the rules the README states (a tombstone, a value over {@link Topics#MAX_EVENT_BYTES}, a
 * value that is not a decodable VmEvent, an envelope breaking {@link EnvelopeRules}, or a key that
 * is not the event's device in UTF-8 is dead-lettered; anything else is folded), checked in that
 * order. A value is a VmEvent when the Avro single-object decoder (the one the engine reaches
 * through {@link Wire}) reads one from it with no bytes left over, and {@link EventDecoder} takes
 * it. So a mutated record that still decodes into a valid event is admitted here too, and joins the
 * reference fold.
 */
final class AdmissionOracle {
    private AdmissionOracle() {}

    /** What must become of a record. */
    sealed interface Verdict permits Admit, Refuse {}

    /** Folded: exactly one ledger entry, for this event. */
    record Admit(VmEvent event, Event domain) implements Verdict {}

    /**
     * Dead-lettered: exactly one dead letter, whose reason starts with {@code reason}; {@code
     * device} is the decoded event's device when that is a valid device id (else null).
     */
    record Refuse(String reason, String device) implements Verdict {}

    /** The verdict on a record of {@code key} and {@code value}. */
    static Verdict of(byte[] key, byte[] value) {
        if (value == null) {
            return new Refuse("no value (tombstone)", null);
        }
        if (value.length > Topics.MAX_EVENT_BYTES) {
            return new Refuse("event of " + value.length + " bytes is over the ", null);
        }
        VmEvent event;
        Event domain;
        try {
            ByteArrayInputStream in = new ByteArrayInputStream(value);
            event = VmEvent.getDecoder().decode(in, null);
            if (in.available() > 0) {
                // not one event but one and more bytes: refused, as a JSON line with anything
                // after its object is
                return new Refuse("undecodable event: ", null);
            }
            domain = EventDecoder.decode(event);
        } catch (IOException | RuntimeException e) {
            return new Refuse("undecodable event: ", null);
        }
        String problem = EnvelopeRules.problem(event);
        if (problem != null) {
            return new Refuse("invalid event: " + problem, null);
        }
        if (!event.getDevice().equals(utf8(key))) {
            return new Refuse("record key ", event.getDevice());
        }
        return new Admit(event, domain);
    }

    private static String utf8(byte[] key) {
        if (key == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(key)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
