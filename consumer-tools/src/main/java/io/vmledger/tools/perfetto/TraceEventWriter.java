package io.vmledger.tools.perfetto;

import io.vmledger.schema.json.JsonOut;
import java.io.IOException;
import java.io.Writer;

/**
 * Writes a trace in the Chrome JSON trace-event format ({@code {"traceEvents":[...]}}, times in
 * microseconds), which ui.perfetto.dev and {@code trace_processor} import. Events are streamed to
 * the writer one at a time, so a trace of any length needs constant memory here.
 */
public final class TraceEventWriter {
    private final Writer out;
    private final StringBuilder event = new StringBuilder(1024);
    private boolean first = true;

    /** Starts the trace on {@code out}. */
    public TraceEventWriter(Writer out) throws IOException {
        this.out = out;
        out.write("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
    }

    /** Names process {@code pid} (a {@code process_name} metadata event). */
    public void processName(long pid, String name) throws IOException {
        metadata("process_name", pid, null, name);
    }

    /** Names thread {@code tid} of {@code pid} (a {@code thread_name} metadata event). */
    public void threadName(long pid, long tid, String name) throws IOException {
        metadata("thread_name", pid, tid, name);
    }

    private void metadata(String what, long pid, Long tid, String name) throws IOException {
        head("M", what, pid, tid);
        event.append(",\"args\":{\"name\":");
        JsonOut.string(event, name);
        event.append("}}");
        flushEvent();
    }

    /**
     * A complete slice ({@code ph:"X"}) of zero duration at {@code ts} on thread {@code tid}: the
     * ledger's events are points in time. {@code args} is a JSON object, or null.
     */
    public void slice(long pid, long tid, long ts, String name, String cat, CharSequence args)
            throws IOException {
        head("X", name, pid, tid);
        event.append(",\"cat\":");
        JsonOut.string(event, cat);
        event.append(",\"ts\":").append(ts).append(",\"dur\":0");
        args(args);
    }

    /** A thread-scoped instant event ({@code ph:"i"}); {@code args} is a JSON object, or null. */
    public void instant(long pid, long tid, long ts, String name, String cat, CharSequence args)
            throws IOException {
        head("i", name, pid, tid);
        event.append(",\"cat\":");
        JsonOut.string(event, cat);
        event.append(",\"ts\":").append(ts).append(",\"s\":\"t\"");
        args(args);
    }

    /**
     * A counter event ({@code ph:"C"}) of process {@code pid}: each {@code keys[i]} is one counter,
     * shown by Perfetto as the track "{@code name keys[i]}", set to {@code values[i]} at {@code
     * ts}.
     */
    public void counter(long pid, long ts, String name, String[] keys, long[] values)
            throws IOException {
        head("C", name, pid, null);
        event.append(",\"ts\":").append(ts).append(",\"args\":{");
        for (int i = 0; i < keys.length; i++) {
            if (i > 0) {
                event.append(',');
            }
            JsonOut.string(event, keys[i]);
            event.append(':').append(values[i]);
        }
        event.append("}}");
        flushEvent();
    }

    /** Ends the trace and flushes it (the writer stays open). */
    public void finish() throws IOException {
        out.write("\n]}\n");
        out.flush();
    }

    private void head(String ph, String name, long pid, Long tid) {
        event.setLength(0);
        event.append("{\"ph\":\"").append(ph).append("\",\"name\":");
        JsonOut.string(event, name);
        event.append(",\"pid\":").append(pid);
        if (tid != null) {
            event.append(",\"tid\":").append(tid);
        }
    }

    private void args(CharSequence args) throws IOException {
        if (args != null) {
            event.append(",\"args\":").append(args);
        }
        event.append('}');
        flushEvent();
    }

    private void flushEvent() throws IOException {
        if (!first) {
            out.write(",\n");
        }
        first = false;
        out.append(event);
    }
}
