package io.vmledger.engine.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vmledger.broker.EmbeddedKafkaBroker;
import io.vmledger.core.alert.AlertThresholds;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.engine.EngineConfig;
import io.vmledger.engine.ReplayReference;
import io.vmledger.engine.VmledgerEngine;
import io.vmledger.engine.topology.EngineTopology;
import io.vmledger.producer.kafka.EventPublisher;
import io.vmledger.schema.json.TraceJson;
import io.vmledger.schema.topic.Topics;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI end to end: an engine on the embedded broker, fed a known trace, driven by a real
 * headless Chromium (Debian's {@code chromium} and {@code chromium-driver}; the browser tests skip
 * where they are missing). The page's JS model ({@code window.vmledgerMap}) is checked, not pixels;
 * screenshots go to {@code target/}.
 */
class WebUiIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DEVICE = "ui-1";
    private static final long W = 0x100000000L; // the context VM's window starts here

    private static Path dir;
    private static EmbeddedKafkaBroker broker;
    private static VmledgerEngine engine;
    private static List<String> trace;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Topics TOPICS = Topics.prefixed("webui.", 1, (short) 1);

    /** The known trace: seq 10 unmaps BO 2, seq 11 faults inside the hole it left. */
    static List<String> trace() {
        List<String> t = new ArrayList<>();
        String d = "{\"device\":\"" + DEVICE + "\",\"seq\":";
        t.add(d + "1,\"ts\":1000000,\"type\":\"file_open\",\"file\":1,\"vm_bind\":true}");
        t.add(
                d
                        + "2,\"ts\":1001000,\"type\":\"submitqueue_new\",\"file\":1,\"queue\":1,\"vm_bind\":true}");
        t.add(
                d
                        + "3,\"ts\":1002000,\"type\":\"bo_new\",\"file\":1,\"bo\":1,\"size\":\"0x100000\",\"name\":\"vertex\"}");
        t.add(
                d
                        + "4,\"ts\":1003000,\"type\":\"bo_new\",\"file\":1,\"bo\":2,\"size\":\"0x10000\",\"name\":\"texture\"}");
        t.add(d + "5,\"ts\":1004000,\"type\":\"bo_new\",\"file\":1,\"bo\":3,\"size\":\"0x1000\"}");
        t.add(bind(d, 6, 1005000, map(1, W, 0x100000, true)));
        t.add(bind(d, 7, 1006000, map(2, W + 0x200000, 0x10000, false)));
        t.add(
                bind(
                        d,
                        8,
                        1007000,
                        "{\"op\":\"map_null\",\"iova\":\""
                                + hex(W + 0x400000)
                                + "\",\"range\":\"0x20000\"}"));
        List<String> small = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            small.add(map(3, 2 * W + i * 0x2000L, 0x1000, false));
        }
        t.add(bind(d, 9, 1008000, String.join(",", small)));
        t.add(
                bind(
                        d,
                        10,
                        1009000,
                        "{\"op\":\"unmap\",\"iova\":\""
                                + hex(W + 0x200000)
                                + "\",\"range\":\"0x10000\"}"));
        t.add(
                d
                        + "11,\"ts\":1010000,\"type\":\"gpu_fault\",\"file\":1,\"iova\":\""
                        + hex(W + 0x204000)
                        + "\",\"dir\":\"read\",\"fault_type\":\"translation\"}");
        return t;
    }

    private static String bind(String d, int seq, long ts, String ops) {
        return d
                + seq
                + ",\"ts\":"
                + ts
                + ",\"type\":\"vm_bind\",\"file\":1,\"queue\":1,\"ops\":["
                + ops
                + "]}";
    }

    private static String map(long bo, long iova, long range, boolean dump) {
        return "{\"op\":\"map\",\"bo\":"
                + bo
                + ",\"iova\":\""
                + hex(iova)
                + "\",\"range\":\""
                + hex(range)
                + "\""
                + (dump ? ",\"dump\":true" : "")
                + "}";
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("vmledger-webui");
        broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), 0);
        EngineConfig config =
                new EngineConfig(
                        broker.bootstrapServers(),
                        "app-webui",
                        dir.resolve("engine"),
                        EngineConfig.STALL_TIMEOUT,
                        1,
                        0,
                        TOPICS,
                        FoldConfig.DEFAULT,
                        EngineTopology.StoreType.ROCKSDB,
                        "127.0.0.1",
                        0,
                        Map.of("commit.interval.ms", "100"),
                        4, // snapshots every 4 events: time travel starts from one
                        AlertThresholds.DEFAULT,
                        EngineTopology.defaultWorkingSetBytes());
        engine = VmledgerEngine.start(config);
        assertTrue(engine.awaitRunning(WAIT), "engine did not reach RUNNING");
        trace = trace();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            TOPICS.ensure(admin);
        }
        publish(trace);
        awaitTotal("/devices/" + DEVICE + "/timeline", trace.size());
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theTimelineAndTheCoredumpsFollowWhatTheLedgerGainsDuplicatesIncluded() throws Exception {
        String device = "ui-tail";
        List<String> lines = trace().stream().map(l -> l.replace(DEVICE, device)).toList();
        String path = "/devices/" + device + "/timeline";
        String dumps = "/coredumps?device=" + device;
        publish(lines.subList(0, 8));
        awaitTotal(path, 8);
        assertEquals(
                new TimeTravel(broker.bootstrapServers(), TOPICS, FoldConfig.DEFAULT)
                        .timeline(device),
                get(path).body());
        assertEquals("{\"coredumps\":[]}", get(dumps).body());
        // a duplicate of seq 5 after seq 8: its entry's state is the one after seq 8 ("at")
        List<String> rest = new ArrayList<>(List.of(lines.get(4)));
        rest.addAll(lines.subList(8, lines.size()));
        publish(rest);
        awaitTotal(path, lines.size() + 1);
        assertTrue(get(path).body().contains("{\"seq\":5,\"at\":8,"), get(path).body());
        // extended from where the last answer stopped: the same as a timeline read from the start
        assertEquals(
                new TimeTravel(broker.bootstrapServers(), TOPICS, FoldConfig.DEFAULT)
                        .timeline(device),
                get(path).body());
        String body = get(dumps).body();
        assertTrue(body.contains("\"seq\":11") && body.contains(device), body);
        assertTrue(get("/coredumps").body().contains("\"device\":\"" + DEVICE + "\""));
    }

    private static void publish(List<String> lines) {
        try (EventPublisher p =
                new EventPublisher(broker.bootstrapServers(), TOPICS.events(), Map.of())) {
            lines.stream().map(TraceJson::parse).forEach(p::send);
            p.flush();
        }
    }

    private static void awaitTotal(String timeline, int total) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!get(timeline).body().contains("\"total\":" + total + ",")) {
            assertTrue(System.nanoTime() < deadline, timeline + " never reached " + total);
            Thread.sleep(200);
        }
    }

    static HttpResponse<String> get(String path) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create(base() + path)).timeout(WAIT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(path, e);
        }
    }

    private static String base() {
        return "http://" + engine.http().host() + ":" + engine.http().port();
    }

    @Test
    void theStateAsOfEverySeqIsWhatReplayOfThePrefixHolds() {
        for (int n = 1; n <= trace.size(); n++) {
            ReplayReference ref = new ReplayReference(trace.subList(0, n));
            var q = ref.ledger().devices().get(DEVICE);
            String expected = n == 1 ? null : LocalQueries.vas(DEVICE, 1, 0, -1L, q.vas(1, 0, -1L));
            HttpResponse<String> r = get("/devices/" + DEVICE + "/vms/1/vas?seq=" + n);
            if (expected != null) {
                assertEquals(200, r.statusCode(), r.body());
                assertEquals(expected, r.body(), "as of seq " + n);
            }
        }
        assertTrue(
                get("/metrics").body().contains("\nvmledger_display_vma_unmaps_avoided "),
                "the saved display unmaps are a metric");
        assertTrue(
                get("/devices/" + DEVICE + "/overview")
                        .body()
                        .contains("\"display_unmaps_avoided\":0"));
        assertEquals(200, get("/").statusCode());
        assertTrue(
                get("/ui/map.js")
                        .headers()
                        .firstValue("Content-Type")
                        .orElse("")
                        .startsWith("text/javascript"));
        assertEquals(404, get("/ui/..%2Fpom.xml").statusCode());
        String map =
                get("/devices/" + DEVICE + "/vms/1/map?from=0x200000000&to=0x20007ffff&px=4")
                        .body();
        assertTrue(map.contains("\"vas\":16"), map); // 64 pages over 4 buckets of 16 slots
    }

    private static ChromeDriver browser() {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "browser tests skipped: no /usr/bin/chromium and /usr/bin/chromedriver"
                        + " (apt-get install chromium chromium-driver)");
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1400,900",
                "--user-data-dir=" + dir.resolve("chromium-" + System.nanoTime()));
        o.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                        .usingAnyFreePort()
                        .build();
        return new ChromeDriver(service, o);
    }

    private static Object js(ChromeDriver b, String script, Object... args) {
        return ((JavascriptExecutor) b).executeScript(script, args);
    }

    /** Waits until the map drew a model newer than {@code version} and finished loading. */
    private static long settled(ChromeDriver b, long version) {
        new WebDriverWait(b, WAIT)
                .until(
                        d ->
                                Boolean.TRUE.equals(
                                        js(
                                                b,
                                                "const m = window.vmledgerMap; return !!m && !m.loading"
                                                        + " && m.version > arguments[0] && m.drawn !== undefined;",
                                                version)));
        return ((Number) js(b, "return window.vmledgerMap.version;")).longValue();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> drawn(ChromeDriver b) {
        return (List<Map<String, Object>>) js(b, "return window.vmledgerMap.drawn;");
    }

    private static Map<String, Object> at(List<Map<String, Object>> drawn, long addr) {
        return drawn.stream()
                .filter(m -> ((Number) m.get("addr")).longValue() == addr)
                .findFirst()
                .orElse(null);
    }

    private static double num(Object o) {
        return ((Number) o).doubleValue();
    }

    private static void screenshot(ChromeDriver b, String name) throws Exception {
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.copy(
                ((TakesScreenshot) b).getScreenshotAs(OutputType.FILE).toPath(),
                target,
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theMapShowsTheVasWhereTheyAreZoomsTravelsInTimeAndMarksTheFault() throws Exception {
        ChromeDriver b = browser();
        try {
            // 8 MiB from the window's start, drawn linearly (collapse off)
            b.get(
                    base()
                            + "/#/map/"
                            + DEVICE
                            + "/1?collapse=0&from="
                            + hex(W)
                            + "&to="
                            + hex(W + 0x7fffff));
            long v = settled(b, 0);
            double width = num(js(b, "return window.vmledgerMap.width;"));
            List<Map<String, Object>> d = drawn(b);
            Map<String, Object> bo1 = at(d, W);
            assertTrue(bo1 != null, "BO 1's VA is drawn: " + d);
            assertEquals(1L, ((Number) bo1.get("bo")).longValue());
            assertEquals(Boolean.TRUE, bo1.get("dump"));
            assertEquals(0, num(bo1.get("x")), 0.5);
            assertEquals(width / 8, num(bo1.get("w")), 1.0); // 1 MiB of 8 MiB
            Map<String, Object> nul = at(d, W + 0x400000);
            assertTrue(
                    nul != null && Boolean.TRUE.equals(nul.get("isNull")), "NULL VA drawn: " + d);
            assertEquals(width / 2, num(nul.get("x")), 1.0);
            assertEquals(null, at(d, W + 0x200000), "BO 2 was unmapped at seq 10");
            assertEquals(2, d.size(), d.toString());

            // the fault of seq 11 is marked at its address
            List<Map<String, Object>> faults =
                    (List<Map<String, Object>>) js(b, "return window.vmledgerMap.faults;");
            assertEquals(1, faults.size(), faults.toString());
            assertEquals(W + 0x204000, ((Number) faults.get(0).get("iova")).longValue());
            assertEquals(width * 0x204000 / 0x800000, num(faults.get(0).get("x")), 1.0);
            new WebDriverWait(b, WAIT)
                    .until(
                            x ->
                                    b.findElement(By.cssSelector("span.diag"))
                                            .getText()
                                            .contains("use after unmap"));
            screenshot(b, "webui-map.png");

            // zoom in: a quarter of the span around the centre, fewer bytes in view
            b.findElement(By.xpath("//button[text()='zoom in']")).click();
            v = settled(b, v);
            double span = num(js(b, "const m = window.vmledgerMap; return m.to - m.from + 1;"));
            assertEquals(0x200000, span, 0x1000);
            // zoom to the single page of the fault: nothing mapped there
            js(
                    b,
                    "window.vmledgerMap.setRange(arguments[0], arguments[1]);",
                    W + 0x204000,
                    W + 0x204fff);
            v = settled(b, v);
            assertEquals(0, drawn(b).size());
            // and to the first page of BO 1: one VA filling the strip
            js(b, "window.vmledgerMap.setRange(arguments[0], arguments[1]);", W, W + 0xfff);
            v = settled(b, v);
            assertEquals(1, drawn(b).size());
            assertEquals(width, num(drawn(b).get(0).get("w")), 1.0);

            // back to 8 MiB; travel in time: one step back is seq 10 (the unmap), two is seq 9
            js(b, "window.vmledgerMap.setRange(arguments[0], arguments[1]);", W, W + 0x7fffff);
            v = settled(b, v);
            b.findElement(By.id("step-back")).click();
            v = settled(b, v);
            assertEquals(10L, ((Number) js(b, "return window.vmledgerMap.seq;")).longValue());
            assertTrue(b.findElement(By.id("op")).getText().contains("unmap"));
            assertEquals(null, at(drawn(b), W + 0x200000));
            b.findElement(By.id("step-back")).click();
            v = settled(b, v);
            assertEquals(9L, ((Number) js(b, "return window.vmledgerMap.seq;")).longValue());
            Map<String, Object> bo2 = at(drawn(b), W + 0x200000);
            assertTrue(bo2 != null, "BO 2 is mapped before seq 10: " + drawn(b));
            assertEquals(2L, ((Number) bo2.get("bo")).longValue());
            assertEquals(
                    0L,
                    (Long) js(b, "return window.vmledgerMap.faults.length;"),
                    "no fault yet at seq 9");
            screenshot(b, "webui-map-seq9.png");
            b.findElement(By.id("step-forward")).click();
            v = settled(b, v);
            assertEquals(10L, ((Number) js(b, "return window.vmledgerMap.seq;")).longValue());
            assertEquals(null, at(drawn(b), W + 0x200000));

            // from the fault, jump to the op that unmapped its page
            b.findElement(By.id("live")).click();
            v = settled(b, v);
            new WebDriverWait(b, WAIT)
                    .until(x -> !b.findElements(By.cssSelector("a.last-touch")).isEmpty());
            b.findElement(By.cssSelector("a.last-touch")).click();
            v = settled(b, v);
            assertEquals(10L, ((Number) js(b, "return window.vmledgerMap.seq;")).longValue());

            // collapsed empty stretches keep the order and squeeze the gaps
            b.findElement(By.id("live")).click();
            v = settled(b, v);
            b.findElement(By.xpath("//button[text()='collapse empty']")).click();
            List<Map<String, Object>> c = drawn(b);
            double gap = num(c.get(1).get("x")) - num(c.get(0).get("x")) - num(c.get(0).get("w"));
            assertEquals(14, gap, 1.0, "the gap before the NULL VA collapsed: " + c);

            // click BO 1: its lifecycle and its ledger history
            js(b, "window.vmledgerMap.setRange(arguments[0], arguments[1]);", W, W + 0x7fffff);
            settled(b, v);
            new org.openqa.selenium.interactions.Actions(b)
                    .moveToElement(b.findElement(By.id("map")), -(int) (width / 2) + 20, 0)
                    .click()
                    .perform();
            new WebDriverWait(b, WAIT)
                    .until(x -> b.findElements(By.cssSelector("#bo-history tr")).size() >= 2);
            assertTrue(b.findElement(By.id("bo-life")).getText().contains("vertex"));

            // the other pages load
            b.get(base() + "/#/");
            new WebDriverWait(b, WAIT)
                    .until(x -> b.findElement(By.tagName("tbody")).getText().contains(DEVICE));
            screenshot(b, "webui-fleet.png");
            b.get(base() + "/#/device/" + DEVICE);
            new WebDriverWait(b, WAIT)
                    .until(
                            x ->
                                    b.findElement(By.id("view"))
                                            .getText()
                                            .contains("drm-total-memory"));
            // the export link downloads the device's ledger as a Perfetto trace: a slice per entry
            WebElement export = b.findElement(By.id("perfetto-export"));
            assertEquals(DEVICE + ".perfetto.json", export.getAttribute("download"));
            Object slices =
                    ((JavascriptExecutor) b)
                            .executeAsyncScript(
                                    "const done = arguments[arguments.length - 1];"
                                            + " fetch(arguments[0]).then(r => r.json()).then("
                                            + " t => done(t.traceEvents.filter(e => e.ph === 'X').length),"
                                            + " e => done(String(e)));",
                                    export.getAttribute("href"));
            assertEquals(11L, slices);
            b.get(base() + "/#/alerts");
            new WebDriverWait(b, WAIT)
                    .until(x -> b.findElements(By.cssSelector("table.alerts")).size() == 1);

            List<String> errors = new ArrayList<>();
            for (LogEntry e : b.manage().logs().get(LogType.BROWSER)) {
                if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    errors.add(e.getMessage());
                }
            }
            assertEquals(List.of(), errors, "console errors");
            assertNotEquals(0, v);
        } finally {
            b.quit();
        }
    }
}
