package io.vmledger.engine.query;

import io.vmledger.core.fold.FoldConfig;
import io.vmledger.schema.topic.Topics;
import io.vmledger.tools.audit.DeviceEvents;
import io.vmledger.tools.perfetto.LedgerTrace;
import java.io.IOException;
import java.io.Writer;

/**
 * A device's ledger as a Perfetto trace, for the web UI's export ({@code
 * /devices/{d}/perfetto?from=&to=}): the device's events read back from the events topic
 * (committed, up to its end when the request came) and folded as {@code replay} does, the same file
 * {@code vmledger export --perfetto --device D} writes. A trace larger than {@link #MAX_CHARS} is
 * refused with a 413 naming the command that streams it to a file instead.
 */
final class DeviceTrace {
    /** The largest trace one reply carries, in characters. */
    static final int MAX_CHARS = 64 << 20;

    private final String bootstrap;
    private final Topics topics;
    private final FoldConfig config;

    DeviceTrace(String bootstrap, Topics topics, FoldConfig config) {
        this.bootstrap = bootstrap;
        this.topics = topics;
        this.config = config;
    }

    /** The trace of {@code device}'s entries with event time in {@code [from, to)} (µs). */
    HttpReply of(String device, long from, long to) {
        Capped out = new Capped();
        try (DeviceEvents events = DeviceEvents.of(bootstrap, topics, device)) {
            LedgerTrace trace = new LedgerTrace(out, config, from, to);
            trace.foldAll(events, applied -> {});
            trace.finish();
        } catch (IOException tooLarge) {
            return HttpReply.error(
                    413,
                    "the trace of device '"
                            + device
                            + "' exceeds "
                            + (MAX_CHARS >> 20)
                            + " MiB: narrow it with from= and to=, or write it to a file with"
                            + " 'vmledger export --perfetto --device "
                            + device
                            + " -o FILE'");
        }
        return HttpReply.json(out.text.toString());
    }

    /** Text kept in memory up to {@link #MAX_CHARS}; a write beyond that fails. */
    private static final class Capped extends Writer {
        private final StringBuilder text = new StringBuilder(1 << 16);

        @Override
        public void write(char[] buf, int off, int len) throws IOException {
            if (text.length() + len > MAX_CHARS) {
                throw new IOException("trace exceeds " + MAX_CHARS + " characters");
            }
            text.append(buf, off, len);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
