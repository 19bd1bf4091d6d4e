package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.broker.EmbeddedKafkaBroker;
import io.vmledger.schema.Alert;
import io.vmledger.schema.topic.Topics;
import io.vmledger.tools.kafka.TopicReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leak alerts end to end on a real (embedded) broker: {@code vmledger engine} folds a trace in two
 * runs on the same state (a restart in between), and {@code vmledger alerts} prints each alert
 * exactly once, as a table or JSON lines, filtered by device and severity.
 */
class AlertsCommandIT {
    private static final long T0 = 1_767_225_600_000_000L;

    @TempDir static Path dir;
    private static EmbeddedKafkaBroker broker;
    private static int seq;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), 0);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static String line(double seconds, String fields) {
        return "{\"device\":\"phone-1\",\"seq\":"
                + ++seq
                + ",\"ts\":"
                + (T0 + (long) (seconds * 1e6))
                + ","
                + fields
                + "}";
    }

    private static void ticks(List<String> out, int from, int to) {
        for (int t = from; t <= to; t++) {
            out.add(
                    line(
                            t,
                            "\"type\":\"submitqueue_new\",\"file\":1,\"queue\":"
                                    + (t + 10)
                                    + ",\"vm_bind\":true"));
            out.add(line(t, "\"type\":\"submitqueue_close\",\"file\":1,\"queue\":" + (t + 10)));
        }
    }

    private CliRun engine(Path trace) {
        return run(
                "engine",
                "--bootstrap",
                broker.bootstrapServers(),
                "--feed",
                trace.toString(),
                "--print-ledger",
                "--exit-after-feed",
                "--http",
                "127.0.0.1:0",
                "--partitions",
                "2",
                "--data-dir",
                dir.resolve("data").toString());
    }

    private static List<String> rows(String out) {
        return new ArrayList<>(Arrays.asList(out.strip().split("\n")));
    }

    @Test
    void alertsRaisedByTheEngineArePrintedOnceAcrossARestart() throws Exception {
        List<String> first = new ArrayList<>();
        first.add(line(0, "\"type\":\"file_open\",\"file\":1,\"vm_bind\":true"));
        first.add(line(0, "\"type\":\"submitqueue_new\",\"file\":1,\"queue\":1,\"vm_bind\":true"));
        first.add(
                line(
                        0,
                        "\"type\":\"bo_new\",\"file\":1,\"bo\":7,\"size\":4096,\"name\":\"forgotten\""));
        first.add(line(0, "\"type\":\"bo_new\",\"file\":1,\"bo\":8,\"size\":8192"));
        first.add(
                line(
                        0,
                        "\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":[{\"op\":\"map\",\"bo\":8,"
                                + "\"iova\":\"0x100000000\",\"range\":8192}]"));
        first.add(line(1, "\"type\":\"handle_close\",\"file\":1,\"bo\":8"));
        ticks(first, 2, 40);
        Path a = dir.resolve("first.jsonl");
        Files.write(a, first);
        CliRun e1 = engine(a);
        assertEquals(0, e1.exit(), e1.err());

        List<String> second = new ArrayList<>();
        ticks(second, 41, 80);
        second.add(line(81, "\"type\":\"file_close\",\"file\":1"));
        Path b = dir.resolve("second.jsonl");
        Files.write(b, second);
        CliRun e2 = engine(b);
        assertEquals(0, e2.exit(), e2.err());

        CliRun table = run("alerts", "--bootstrap", broker.bootstrapServers());
        assertEquals(0, table.exit(), table.err());
        List<String> rows = rows(table.out());
        assertEquals(4, rows.size(), table.out());
        assertTrue(rows.get(0).startsWith("TIME"), rows.get(0));
        assertTrue(
                rows.get(1)
                        .matches(
                                "2026-01-01T00:00:3\\d\\.\\d{6}Z +warning +handle_leak +phone-1 +- +7 +BO 7 .*"),
                rows.get(1));
        assertTrue(rows.get(1).contains("'forgotten'"), rows.get(1));
        assertTrue(
                rows.get(2).matches(".* +warning +bo_kept_by_mappings +phone-1 +- +8 .*"),
                rows.get(2));
        assertTrue(
                rows.get(3)
                        .matches(
                                "2026-01-01T00:01:21\\.000000Z +info +mappings_at_close +phone-1 +1 +- .*"),
                rows.get(3));
        assertTrue(table.err().contains("3 alert(s) printed"), table.err());

        CliRun json =
                run(
                        "alerts",
                        "--bootstrap",
                        broker.bootstrapServers(),
                        "--json",
                        "--min-severity",
                        "warning",
                        "--device",
                        "phone-1");
        assertEquals(0, json.exit(), json.err());
        List<String> lines = rows(json.out());
        assertEquals(2, lines.size(), json.out());
        assertTrue(lines.get(0).startsWith("{\"time\":\"2026-01-01T00:00:3"), lines.get(0));
        assertTrue(
                lines.get(0)
                        .contains(
                                "\"severity\":\"warning\",\"rule\":\"handle_leak\",\"device\":\"phone-1\","
                                        + "\"vm\":null,\"bo\":7,"),
                lines.get(0));
        assertTrue(lines.get(0).contains("\"first_seen\":" + T0 + ","), lines.get(0));
        assertTrue(lines.get(0).endsWith(",\"seq\":3}"), lines.get(0));

        List<String> followed = new CopyOnWriteArrayList<>();
        try (TopicReader<String, Alert> reader =
                TopicReader.all(broker.bootstrapServers(), Topics.defaults(1).alerts())) {
            Thread t =
                    new Thread(
                            () -> {
                                try {
                                    reader.read(
                                            true,
                                            new TopicReader.Handler<>() {
                                                @Override
                                                public void record(
                                                        Alert x,
                                                        ConsumerRecord<byte[], byte[]> raw) {
                                                    followed.add(x.getRule());
                                                }

                                                @Override
                                                public void unreadable(
                                                        ConsumerRecord<byte[], byte[]> raw,
                                                        String reason) {
                                                    followed.add("unreadable");
                                                }
                                            });
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
            t.start();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (followed.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            reader.wakeup();
            t.join(10_000);
            assertTrue(!t.isAlive(), "a follow stops when woken up");
        }
        assertEquals(List.of("handle_leak", "bo_kept_by_mappings", "mappings_at_close"), followed);

        CliRun none =
                run("alerts", "--bootstrap", broker.bootstrapServers(), "--device", "phone-2");
        assertEquals(0, none.exit(), none.err());
        assertEquals(List.of(rows(table.out()).get(0)), rows(none.out()));
    }

    @Test
    void badArgumentsAreRefusedWithExitTwo() {
        CliRun severity =
                run("alerts", "--bootstrap", broker.bootstrapServers(), "--min-severity", "error");
        assertEquals(2, severity.exit());
        assertTrue(
                severity.err().contains("--min-severity must be info or warning"), severity.err());
        CliRun prefix =
                run(
                        "alerts",
                        "--bootstrap",
                        broker.bootstrapServers(),
                        "--topic-prefix",
                        "nothing.");
        assertEquals(2, prefix.exit());
        assertTrue(prefix.err().contains("no topic nothing.alerts"), prefix.err());
        for (String[] bad :
                List.of(
                        new String[] {"--alert-after", "30x"},
                        new String[] {"--alert-after", "0s"},
                        new String[] {"--alert-pagetable", "x:1"},
                        new String[] {"--alert-growth", "120s:lots"})) {
            CliRun r =
                    run("engine", bad[0], bad[1], "--data-dir", dir.resolve("unused").toString());
            assertEquals(2, r.exit(), r.err());
            assertTrue(r.err().contains("alert"), r.err());
        }
    }
}
