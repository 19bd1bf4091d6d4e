package io.vmledger.engine.fuzz;

import io.vmledger.schema.DeadLetter;
import io.vmledger.schema.SetName;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.codec.OutcomeEncoder;
import io.vmledger.schema.topic.Topics;
import io.vmledger.schema.wire.Wire;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The seeded record generator: valid events from {@link ValidEvents} and, among them, records made
 * by each {@link Mutation} from the events just sent or about to be sent (a mutation of the next
 * valid event consumes it, so the fleet also loses events). The same seed gives the same records,
 * so a failure at record {@code i} of seed {@code s} comes back by running seed {@code s} again.
 */
final class RecordFuzzer {
    private static final int RECENT = 64;

    private final Random r;
    private final ValidEvents valid;
    private final List<VmEvent> recent = new ArrayList<>();
    private long lastTimestampMs = 0;

    RecordFuzzer(long seed) {
        this.r = new Random(seed);
        this.valid = new ValidEvents(seed);
    }

    /** The next record. */
    FuzzRecord next() {
        Mutation kind =
                recent.isEmpty()
                        ? Mutation.VALID
                        : Mutation.pick(r.nextInt(Mutation.totalWeight()));
        return switch (kind) {
            case VALID -> {
                VmEvent e = valid.next();
                remember(e);
                yield keyed(kind, e, Wire.event(e));
            }
            case BIT_FLIP -> {
                VmEvent e = source();
                byte[] v = Wire.event(e);
                for (int n = 1 + r.nextInt(3); n > 0; n--) {
                    int bit = r.nextInt(v.length * 8);
                    v[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                yield keyed(kind, e, v);
            }
            case TRUNCATE -> {
                VmEvent e = source();
                byte[] v = Wire.event(e);
                yield keyed(kind, e, Arrays.copyOf(v, r.nextInt(v.length)));
            }
            case SPLICE -> {
                VmEvent a = source();
                byte[] x = Wire.event(a);
                byte[] y = Wire.event(source());
                int cut = r.nextInt(x.length + 1);
                int from = r.nextInt(y.length + 1);
                byte[] v = Arrays.copyOf(x, cut + y.length - from);
                System.arraycopy(y, from, v, cut, y.length - from);
                yield keyed(kind, a, v);
            }
            case TRAILING_BYTES -> {
                VmEvent e = source();
                byte[] v = Wire.event(e);
                byte[] out = Arrays.copyOf(v, v.length + 1 + r.nextInt(64));
                byte[] tail = new byte[out.length - v.length];
                r.nextBytes(tail);
                System.arraycopy(tail, 0, out, v.length, tail.length);
                yield keyed(kind, e, out);
            }
            case EXTREME_FIELD -> {
                VmEvent e = FieldExtremes.payload(source(), r);
                yield keyed(kind, e, Wire.event(e));
            }
            case EXTREME_ENVELOPE -> {
                VmEvent e = FieldExtremes.envelope(source(), r);
                yield keyed(kind, e, Wire.event(e));
            }
            case WRONG_FINGERPRINT -> wrongFingerprint(kind);
            case TOMBSTONE -> {
                VmEvent e = source();
                yield new FuzzRecord(
                        kind,
                        r.nextInt(4) == 0 ? null : Wire.deviceKey(e.getDevice()),
                        null,
                        timestamp(e));
            }
            case WRONG_KEY -> {
                VmEvent e = source();
                yield new FuzzRecord(kind, wrongKey(e.getDevice()), Wire.event(e), timestamp(e));
            }
            case HUGE_KEY -> {
                VmEvent e = source();
                byte[] key = new byte[Topics.MAX_EVENT_BYTES + 1 + r.nextInt(2 << 20)];
                Arrays.fill(key, (byte) 'k');
                byte[] d = Wire.deviceKey(e.getDevice());
                System.arraycopy(d, 0, key, 0, d.length);
                yield new FuzzRecord(kind, key, Wire.event(e), timestamp(e));
            }
            case HUGE_VALUE -> {
                VmEvent e = source();
                int size = Topics.MAX_EVENT_BYTES + 1 + (r.nextBoolean() ? 0 : r.nextInt(4 << 20));
                if (r.nextBoolean()) {
                    byte[] v = new byte[size];
                    r.nextBytes(v);
                    yield keyed(kind, e, v);
                }
                VmEvent big = ofSize(e, size);
                yield keyed(kind, big, Wire.event(big));
            }
            case SIZE_EDGE -> {
                int size = Topics.MAX_EVENT_BYTES + r.nextInt(3) - 1;
                VmEvent big = ofSize(source(), size);
                byte[] v = Wire.event(big);
                if (v.length != size) {
                    throw new AssertionError(
                            "made an event of " + v.length + " bytes, not " + size);
                }
                yield keyed(kind, big, v);
            }
            case RANDOM_BYTES -> {
                byte[] v = new byte[r.nextInt(300)];
                r.nextBytes(v);
                yield keyed(kind, source(), v);
            }
            case RANDOM_BODY -> {
                VmEvent e = source();
                byte[] header = Arrays.copyOf(Wire.event(e), 10);
                byte[] v = Arrays.copyOf(header, 10 + r.nextInt(120));
                byte[] body = new byte[v.length - 10];
                r.nextBytes(body);
                // mostly a plausible start: a short device string, then random fields
                if (body.length > 0 && r.nextBoolean()) {
                    body[0] = (byte) (2 * Math.min(body.length - 1, r.nextInt(20)));
                }
                System.arraycopy(body, 0, v, 10, body.length);
                yield keyed(kind, e, v);
            }
        };
    }

    /**
     * A recent valid event, or (a third of the time) the next one, which the fuzz then consumes.
     */
    private VmEvent source() {
        if (r.nextInt(3) == 0) {
            VmEvent e = valid.next();
            remember(e);
            return e;
        }
        return recent.get(r.nextInt(recent.size()));
    }

    private void remember(VmEvent e) {
        if (recent.size() == RECENT) {
            recent.remove(r.nextInt(RECENT));
        }
        recent.add(e);
    }

    private FuzzRecord keyed(Mutation kind, VmEvent e, byte[] value) {
        return new FuzzRecord(kind, Wire.deviceKey(e.getDevice()), value, timestamp(e));
    }

    /** The record time of {@code e}: its event time in ms, or the last one when it has none. */
    private long timestamp(VmEvent e) {
        Long ts = e.getTs();
        if (ts != null && ts >= 0) {
            lastTimestampMs = ts / 1000;
        }
        return lastTimestampMs;
    }

    private FuzzRecord wrongFingerprint(Mutation kind) {
        VmEvent e = source();
        byte[] v = Wire.event(e);
        switch (r.nextInt(4)) {
            case 0 -> v[r.nextInt(2)] ^= (byte) (1 + r.nextInt(255));
            case 1 -> v[2 + r.nextInt(8)] ^= (byte) (1 << r.nextInt(8));
            case 2 -> {
                byte[] f = new byte[8];
                r.nextBytes(f);
                System.arraycopy(f, 0, v, 2, 8);
            }
            default -> v = otherSchema(e);
        }
        return keyed(kind, e, v);
    }

    /** A value of another vmledger schema (a ledger entry or a dead letter) on the events topic. */
    private byte[] otherSchema(VmEvent e) {
        if (r.nextBoolean()) {
            return Wire.ledger(
                    OutcomeEncoder.badEvent(1, "not an event", e.getDevice(), e.getSeq()));
        }
        return Wire.deadLetter(
                DeadLetter.newBuilder()
                        .setTopic("t")
                        .setPartition(0)
                        .setOffset(0)
                        .setTimestamp(0)
                        .setKey(null)
                        .setValue(ByteBuffer.wrap(Wire.event(e)))
                        .setReason("r")
                        .build());
    }

    private byte[] wrongKey(String device) {
        return switch (r.nextInt(7)) {
            case 0 -> null;
            case 1 -> new byte[0];
            case 2 -> new byte[] {(byte) 0xC3, 0x28};
            case 3 -> Wire.deviceKey(device.toUpperCase(java.util.Locale.ROOT) + "X");
            case 4 -> Wire.deviceKey(device + "\0");
            case 5 -> (device + " ").getBytes(StandardCharsets.UTF_16);
            default -> Wire.deviceKey(recent.get(r.nextInt(recent.size())).getDevice() + ".other");
        };
    }

    /**
     * {@code e}'s device and seq with a set_name payload whose name makes the value {@code size}
     * bytes (a device of its own a quarter of the time, so that it is folded, not a duplicate).
     * Exact but where the name's length varint grows a byte (at 2^20): there one byte more.
     */
    private VmEvent ofSize(VmEvent e, int size) {
        VmEvent.Builder b = VmEvent.newBuilder(e);
        if (r.nextInt(4) == 0) {
            b.setDevice(e.getDevice() + ".big" + r.nextInt(4)).setSeq(1 + r.nextInt(1000));
        }
        long bo = 1L + r.nextInt(4);
        int name = size - Wire.event(b.setPayload(new SetName(bo, "")).build()).length;
        VmEvent out;
        int actual;
        // the name's length varint grows with the name (3 or 4 bytes about 1 MiB): fit it
        for (int tries = 0; ; tries++) {
            out = b.setPayload(new SetName(bo, "n".repeat(name))).build();
            actual = Wire.event(out).length;
            if (actual == size || tries == 3) {
                break;
            }
            name -= actual - size;
        }
        return out;
    }
}
