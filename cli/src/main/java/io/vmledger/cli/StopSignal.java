package io.vmledger.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (or SIGTERM) for a command: a shutdown hook that asks the command to stop, runs an
 * optional wake-up (e.g. a blocked consumer's {@code wakeup}), and then holds the JVM until the
 * command has finished cleanly ({@link #close}) or a bound has passed. Open it around all the work
 * whose outputs must be complete: files closed, producers flushed, brokers stopped.
 */
final class StopSignal implements AutoCloseable {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread hook;

    /**
     * @param wakeUp run after a stop is asked for, on the hook's thread
     * @param grace how long the JVM waits for the command to finish
     */
    StopSignal(String command, Runnable wakeUp, Duration grace) {
        this.hook =
                new Thread(
                        () -> {
                            stop.countDown();
                            wakeUp.run();
                            try {
                                stopped.await(grace.toMillis(), TimeUnit.MILLISECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "vmledger-" + command + "-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** A signal with nothing to wake up. */
    StopSignal(String command, Duration grace) {
        this(command, () -> {}, grace);
    }

    /** Asks the command to stop, as Ctrl-C does (e.g. when a part it runs has failed for good). */
    void request() {
        stop.countDown();
    }

    /** Whether a stop was asked for. */
    boolean requested() {
        return stop.getCount() == 0;
    }

    /** Blocks until a stop is asked for. */
    void await() throws InterruptedException {
        stop.await();
    }

    /** The command has finished: the JVM may stop now. */
    @Override
    public void close() {
        stopped.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already stopping: the hook has run
        }
    }
}
