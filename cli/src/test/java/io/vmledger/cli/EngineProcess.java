package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code vmledger engine} in a JVM of its own, launched with this JVM's java binary and test
 * classpath; its standard error is copied to this JVM's, each line marked with the instance's name.
 * {@link #start} returns once the engine has said it is running.
 */
final class EngineProcess {
    private static final Duration WAIT = Duration.ofSeconds(120);

    private final String name;
    private final List<String> args;
    private Process process;

    /**
     * @param name marks its output
     * @param args the {@code vmledger engine} arguments
     */
    EngineProcess(String name, List<String> args) {
        this.name = name;
        this.args = List.copyOf(args);
    }

    /** A free loopback port (for a query server that must keep its address across restarts). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** Starts the engine and waits for its "running" line. */
    EngineProcess start() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.addAll(
                List.of(
                        "-Xmx512m",
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path")));
        cmd.add(Vmledger.class.getName());
        cmd.add("engine");
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process = p;
        CompletableFuture<Boolean> running = new CompletableFuture<>();
        Thread copier =
                new Thread(
                        () -> {
                            try (BufferedReader err =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    p.getErrorStream(), StandardCharsets.UTF_8))) {
                                for (String line = err.readLine();
                                        line != null;
                                        line = err.readLine()) {
                                    System.err.println("[" + name + " " + p.pid() + "] " + line);
                                    if (line.startsWith("vmledger engine: running")) {
                                        running.complete(true);
                                    }
                                }
                            } catch (IOException killed) {
                                // the stream ends with the process
                            }
                            running.complete(false);
                        },
                        name + "-stderr");
        copier.setDaemon(true);
        copier.start();
        try {
            assertTrue(
                    running.get(WAIT.toSeconds(), TimeUnit.SECONDS),
                    name + " exited before it was running (see its standard error above)");
        } catch (TimeoutException e) {
            throw new AssertionError(name + " did not say it was running within " + WAIT, e);
        }
        return this;
    }

    /** Kills the engine with SIGKILL (no shutdown hook, no commit) and waits for it to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), name + " did not die");
    }

    /**
     * Stops the engine as Ctrl-C or a supervisor would (SIGTERM: it commits and leaves the group)
     * and waits for it to exit.
     */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(name + " did not stop within " + WAIT + " of SIGTERM");
        }
    }

    /** Kills the engine if it runs (test cleanup). */
    void destroy() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
