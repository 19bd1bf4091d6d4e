package io.vmledger.engine;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the engine does when a stream thread dies: a transient cause (a {@link RetriableException}
 * anywhere in the chain: a broker that went away, a timeout) replaces the thread, at most {@link
 * #MAX_REPLACEMENTS} times in the instance's life; anything else shuts the instance down, logs one
 * line saying why and completes {@link #fatal()}, so that the process exits non-zero and a
 * supervisor restarts it, instead of living on with a dead fold behind a 503.
 */
final class StreamFailures implements StreamsUncaughtExceptionHandler, KafkaStreams.StateListener {
    /** Thread replacements for transient causes before the instance gives up. */
    static final int MAX_REPLACEMENTS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(StreamFailures.class);

    private final CompletableFuture<Throwable> fatal = new CompletableFuture<>();
    private int replacements;
    private volatile Throwable cause;

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable e) {
        if (isTransient(e) && replacements < MAX_REPLACEMENTS) {
            replacements++;
            LOG.warn(
                    "stream thread failed on a transient error ({}); replacing it ({} of {})",
                    summary(e),
                    replacements,
                    MAX_REPLACEMENTS);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        LOG.error("the engine stops: its stream thread failed: {}", summary(e));
        LOG.debug("stream thread failure", e);
        cause = e;
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    @Override
    public void onChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
        if (newState == KafkaStreams.State.ERROR) {
            Throwable e = cause;
            fatal.complete(
                    e != null
                            ? e
                            : new IllegalStateException(
                                    "Kafka Streams went from " + oldState + " to ERROR"));
        }
    }

    /**
     * Completes with the cause once the instance has stopped for good (Kafka Streams is in ERROR).
     */
    CompletableFuture<Throwable> fatal() {
        return fatal;
    }

    private static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RetriableException) {
                return true;
            }
        }
        return false;
    }

    /** The failure in one line: each cause's kind and message. */
    static String summary(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null && b.length() < 400; t = t.getCause()) {
            b.append(b.length() == 0 ? "" : "; caused by ").append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                b.append(": ").append(t.getMessage().lines().findFirst().orElse(""));
            }
        }
        return b.toString();
    }
}
