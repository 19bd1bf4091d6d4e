package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One process per data directory, and ports checked before anything starts: a second demo, engine
 * or simulate on a directory another process holds is refused in one line (naming the holder)
 * without touching a file of it, and a port in use is one line and exit 2 before any broker starts
 * or any data is emptied.
 */
class OneProcessPerDataDirTest {
    /** Holds DIR/.lock, as a running vmledger would, and writes its pid into it. */
    private static final String HOLDER =
            """
            import java.nio.ByteBuffer;
            import java.nio.channels.FileChannel;
            import java.nio.channels.FileLock;
            import java.nio.file.Path;
            import java.nio.file.StandardOpenOption;

            public class HoldLock {
                public static void main(String[] args) throws Exception {
                    try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
                        ch.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes()));
                        System.out.println("locked");
                        System.out.flush();
                        System.in.read();
                    }
                }
            }
            """;

    @TempDir Path dir;

    @Test
    void aSecondDemoEngineOrSimulateOnAHeldDataDirIsRefusedInOneLineAndTouchesNothing()
            throws Exception {
        Path data = demoDirWithData("demo");
        Path trace = trace();
        Process holder = holdLock(data);
        try {
            Map<String, String> before = contents(data);
            String[][] commands = {
                {
                    "demo",
                    "--devices",
                    "1",
                    "--duration",
                    "1s",
                    "--rate",
                    "10",
                    "--broker-port",
                    "0",
                    "--http",
                    "127.0.0.1:0",
                    "--data-dir",
                    data.toString()
                },
                {
                    "engine",
                    "--broker-port",
                    "0",
                    "--http",
                    "127.0.0.1:0",
                    "--data-dir",
                    data.toString(),
                    "--feed",
                    trace.toString(),
                    "--print-ledger",
                    "--exit-after-feed"
                },
                {
                    "simulate",
                    "--events",
                    "10",
                    "--broker-port",
                    "0",
                    "--data-dir",
                    data.toString(),
                    "--truth",
                    dir.resolve("truth.jsonl").toString()
                }
            };
            for (String[] command : commands) {
                CliRun r = CliRun.of(command);
                assertEquals(2, r.exit(), r.err());
                assertOneLine(r);
                assertTrue(
                        r.err()
                                .contains(
                                        data
                                                + " is in use by another vmledger (pid "
                                                + holder.pid()
                                                + ")"),
                        r.err());
                assertEquals(
                        before, contents(data), command[0] + " must not touch the holder's data");
            }
        } finally {
            holder.getOutputStream().close();
            holder.waitFor();
        }
    }

    @Test
    void aPortInUseIsOneLineAndExit2BeforeAnyBrokerStarts() throws Exception {
        Path data = dir.resolve("engine");
        Path demo = demoDirWithData("demo");
        Map<String, String> demoBefore = contents(demo);
        demoBefore.put(DataDirLock.FILE_NAME, "");
        Path trace = trace();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            String[][] cases = {
                {
                    "--broker-port",
                    "engine",
                    "--broker-port",
                    "" + port,
                    "--http",
                    "127.0.0.1:0",
                    "--data-dir",
                    data.toString(),
                    "--feed",
                    trace.toString(),
                    "--print-ledger",
                    "--exit-after-feed"
                },
                {
                    "--http",
                    "engine",
                    "--broker-port",
                    "0",
                    "--http",
                    "127.0.0.1:" + port,
                    "--data-dir",
                    data.toString(),
                    "--feed",
                    trace.toString(),
                    "--print-ledger",
                    "--exit-after-feed"
                },
                {
                    "--broker-port",
                    "demo",
                    "--broker-port",
                    "" + port,
                    "--http",
                    "127.0.0.1:0",
                    "--devices",
                    "1",
                    "--duration",
                    "1s",
                    "--rate",
                    "10",
                    "--data-dir",
                    demo.toString()
                },
                {
                    "--http",
                    "demo",
                    "--broker-port",
                    "0",
                    "--http",
                    "127.0.0.1:" + port,
                    "--devices",
                    "1",
                    "--duration",
                    "1s",
                    "--rate",
                    "10",
                    "--data-dir",
                    demo.toString()
                }
            };
            for (String[] c : cases) {
                CliRun r = CliRun.of(Arrays.copyOfRange(c, 1, c.length));
                assertEquals(2, r.exit(), r.err());
                assertOneLine(r);
                assertTrue(
                        r.err().contains("cannot listen on 127.0.0.1:" + port + " for " + c[0]),
                        r.err());
            }
        }
        assertFalse(Files.exists(data.resolve("broker")), "no broker was started");
        Map<String, String> demoAfter = contents(demo);
        demoAfter.put(DataDirLock.FILE_NAME, "");
        assertEquals(
                demoBefore,
                demoAfter,
                "the earlier demo's data is kept (but for its lock) when the demo cannot start");
        DataDirLock.acquire(data).close();
        DataDirLock.acquire(demo).close();
    }

    private static void assertOneLine(CliRun r) {
        assertEquals(1, r.err().lines().count(), r.err());
        assertEquals("", r.out());
    }

    /** A directory as an earlier demo left it: its marker, an alerts file, broker data. */
    private Path demoDirWithData(String name) throws IOException {
        Path data = Files.createDirectories(dir.resolve(name).resolve("broker"));
        Files.writeString(dir.resolve(name).resolve(DemoCommand.MARKER), "demo\n");
        Files.writeString(dir.resolve(name).resolve("alerts.jsonl"), "{\"alert\":1}\n");
        Files.writeString(data.resolve("meta.properties"), "cluster.id=x\n");
        return data.getParent();
    }

    private Path trace() throws IOException {
        return Files.writeString(
                dir.resolve("trace.jsonl"),
                "{\"device\":\"d\",\"seq\":1,\"ts\":1767225600000000,\"type\":\"file_open\",\"file\":1,\"vm_bind\":true}\n");
    }

    /** Starts another JVM holding {@code data}/.lock and waits until it holds it. */
    private Process holdLock(Path data) throws IOException {
        Path source = Files.writeString(dir.resolve("HoldLock.java"), HOLDER);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p =
                new ProcessBuilder(
                                java.toString(),
                                source.toString(),
                                data.resolve(DataDirLock.FILE_NAME).toString())
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("locked", out.readLine(), "the holder process could not take the lock");
        return p;
    }

    /** Every file under {@code root} (relative path → content) and every directory (→ "/"). */
    private static Map<String, String> contents(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                out.put(
                        root.relativize(p).toString(),
                        Files.isDirectory(p) ? "/" : Files.readString(p));
            }
        }
        return out;
    }
}
