package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmledger.engine.SummaryHistory;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Asks the live engine instances for device summaries all along a cluster test, failures included,
 * and checks every answer: a 200 must be the device's state after one of its events ({@link
 * SummaryHistory}: no torn or partial state), a device once answered must never be answered 404 (it
 * exists, even while its partition restores or moves), a 503 must give a reason, and nothing else
 * may come back. A refused connection is not an answer (the instance is down).
 */
final class QueryProbe implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final SummaryHistory history;
    private final List<String> devices;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final Set<String> served = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> reasons = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSeq = new ConcurrentHashMap<>();
    private final AtomicLong regressions = new AtomicLong();
    private final Thread thread;
    private volatile List<Integer> ports;
    private volatile boolean stopped;

    QueryProbe(SummaryHistory history, List<String> devices, List<Integer> ports) {
        this.history = history;
        this.devices = List.copyOf(devices);
        this.ports = List.copyOf(ports);
        this.thread = new Thread(this::run, "query-probe");
        thread.setDaemon(true);
        thread.start();
    }

    /** The query ports of the instances to ask from now on. */
    void target(List<Integer> live) {
        this.ports = List.copyOf(live);
    }

    private void run() {
        for (long i = 0; !stopped; i++) {
            List<Integer> now = ports;
            String device = devices.get((int) (i % devices.size()));
            int port = now.get((int) ((i / devices.size()) % now.size()));
            ask(port, device);
        }
    }

    private void ask(int port, String device) {
        // a 404 is wrong only for a question asked after the device was answered
        boolean servedBefore = served.contains(device);
        HttpResponse<String> r;
        try {
            r = get(port, "/devices/" + device + "/summary");
        } catch (ConnectException down) {
            return;
        } catch (IOException e) {
            if (!stopped) {
                count(-1, "no answer: " + e);
            }
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
            return;
        }
        count(r.statusCode(), null);
        String where = ":" + port + " " + device + ": ";
        try {
            switch (r.statusCode()) {
                case 200 -> {
                    JsonNode summary = json.readTree(r.body());
                    String p = history.problem(device, summary);
                    if (p != null) {
                        problems.add(where + p);
                    }
                    served.add(device);
                    long seq = summary.get("last_seq").asLong();
                    Long before = lastSeq.put(device, seq);
                    if (before != null && seq < before) {
                        // exactly-once: an instance reads its task's uncommitted state; after a
                        // crash the new owner serves the committed state, a few events older
                        regressions.incrementAndGet();
                    }
                }
                case 404 -> {
                    if (servedBefore) {
                        problems.add(where + "404 for a device served before: " + r.body());
                    }
                }
                case 503 -> {
                    String reason = json.readTree(r.body()).path("error").asText("");
                    if (reason.isBlank() || reason.endsWith("null")) {
                        problems.add(where + "503 without a useful reason: " + r.body());
                    }
                    count(0, reason.replaceAll("[0-9]+", "N").replaceAll("'[^']*'", "'D'"));
                }
                default -> problems.add(where + r.statusCode() + " " + r.body());
            }
        } catch (IOException e) {
            problems.add(where + "unreadable answer " + r.body());
        }
    }

    private HttpResponse<String> get(int port, String path)
            throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(TIMEOUT)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void count(int status, String reason) {
        if (reason != null) {
            reasons.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
        } else {
            statuses.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
        }
    }

    /**
     * Waits until instance {@code port} answers 200 for every device (itself or by forwarding to
     * the owner); returns the seconds it took.
     */
    double awaitAllServed(int port, Duration wait) throws Exception {
        long start = System.nanoTime();
        long deadline = start + wait.toNanos();
        List<String> left = new ArrayList<>(devices);
        while (!left.isEmpty()) {
            assertTrue(
                    System.nanoTime() < deadline,
                    ":" + port + " did not serve " + left + " within " + wait);
            HttpResponse<String> r = get(port, "/devices/" + left.get(0) + "/summary");
            if (r.statusCode() == 200) {
                left.remove(0);
            } else {
                Thread.sleep(50);
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Waits until instance {@code port} serves at least one device from its own active tasks
     * (restored): it has taken its share of the work; returns the seconds it took.
     */
    double awaitServingLocally(int port, Duration wait) throws Exception {
        long start = System.nanoTime();
        long deadline = start + wait.toNanos();
        while (true) {
            try {
                HttpResponse<String> r = get(port, "/devices?scope=local");
                if (r.statusCode() == 200 && r.body().contains("\"device\"")) {
                    return (System.nanoTime() - start) / 1e9;
                }
            } catch (ConnectException notYet) {
                // the query server is not up yet
            }
            assertTrue(
                    System.nanoTime() < deadline,
                    ":" + port + " served no device of its own within " + wait);
            Thread.sleep(50);
        }
    }

    /** Problems seen so far (empty when every answer was right). */
    List<String> problems() {
        return List.copyOf(problems);
    }

    /** Answers by status, 503 reasons by kind, and how often a device's last_seq went back. */
    String summary() {
        return "statuses "
                + new TreeMap<>(statuses)
                + ", 503 reasons "
                + new TreeMap<>(reasons)
                + ", last_seq regressions (uncommitted state served before a crash) "
                + regressions.get();
    }

    /** Stops asking and waits for the last answer to be checked. */
    void stop() {
        stopped = true;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
