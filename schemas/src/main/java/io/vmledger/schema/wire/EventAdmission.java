package io.vmledger.schema.wire;

import io.vmledger.core.event.Event;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.codec.EventDecoder;
import io.vmledger.schema.topic.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Which input records the fold applies: a value of at most {@link Topics#MAX_EVENT_BYTES}, a
 * decodable VmEvent whose envelope keeps {@link EnvelopeRules}, keyed by its device. The engine
 * dead-letters every other record with the reason given here; the readers of a device's history
 * (audit, time travel) pass over the same records, so they fold exactly the events the engine did.
 */
public final class EventAdmission {
    private EventAdmission() {}

    /** A record's event in wire and domain form if admitted, else why not. */
    public record Verdict(VmEvent wire, Event domain, String reason) {
        /** Whether the fold applies the record. */
        public boolean admitted() {
            return reason == null;
        }

        private static Verdict refused(String reason) {
            return new Verdict(null, null, reason);
        }
    }

    /** The verdict on the record of {@code key} and {@code value}. */
    public static Verdict of(byte[] key, byte[] value) {
        if (value == null) {
            return Verdict.refused("no value (tombstone)");
        }
        if (value.length > Topics.MAX_EVENT_BYTES) {
            return Verdict.refused(
                    "event of "
                            + value.length
                            + " bytes is over the "
                            + Topics.MAX_EVENT_BYTES
                            + " bytes an event may have");
        }
        VmEvent event;
        Event domain;
        try {
            event = Wire.event(value);
            domain = EventDecoder.decode(event);
        } catch (IOException | RuntimeException e) {
            return Verdict.refused("undecodable event: " + describe(e));
        }
        String problem = EnvelopeRules.problem(event);
        if (problem != null) {
            return Verdict.refused("invalid event: " + problem);
        }
        String device = keyString(key);
        if (device == null || !device.equals(event.getDevice())) {
            return Verdict.refused(
                    "record key "
                            + (device == null ? "(none or not UTF-8)" : "'" + shown(device) + "'")
                            + " is not the event's device '"
                            + event.getDevice()
                            + "'");
        }
        return new Verdict(event, domain, null);
    }

    private static String keyString(byte[] key) {
        if (key == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(key)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String shown(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    /**
     * The failure's kind and message; for a decoder failure that {@code Wire} wrapped, the original
     * one.
     */
    private static String describe(Exception e) {
        Throwable t =
                e instanceof IOException && e.getCause() instanceof RuntimeException
                        ? e.getCause()
                        : e;
        String kind = t.getClass().getSimpleName();
        return t.getMessage() == null ? kind : kind + ": " + shown(t.getMessage());
    }
}
