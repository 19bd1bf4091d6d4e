package io.vmledger.engine.query;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The engine's HTTP query server (the JDK's built-in server, GET only). It is bound before the
 * Kafka Streams instance starts, so its real port can be announced as {@code application.server};
 * requests are answered by a {@link QueryRouter} once one is attached, 503 before.
 *
 * <p>No request hangs: a query runs on a pool of its own and is answered 503 when it has not
 * finished within {@link #QUERY_TIMEOUT}; the JDK server drops a connection whose request or
 * response takes longer than its own bounds (set here unless given as system properties), and sends
 * small responses without Nagle's delay.
 */
public final class QueryServer implements AutoCloseable {
    /** How long one query may take before its answer is a 503. */
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(15);

    private static final int THREADS = 8;

    static {
        // sun.net.httpserver.ServerConfig reads these once, in its static initialiser, when the
        // process makes its first JDK HttpServer: this runs before start() makes ours, and nothing
        // else in vmledger makes one (a server made earlier by an embedder would fix them for
        // ours). nodelay is the one that matters for latency: the JDK server writes a response's
        // headers and its body apart, and with Nagle's algorithm the body then waits for the
        // client's delayed ACK, 40 ms on every request of a kept-alive connection (see
        // QueryServerKeepAliveTest). Values given with -D win.
        System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", "30");
        System.getProperties().putIfAbsent("sun.net.httpserver.maxRspTime", "60");
        System.getProperties().putIfAbsent("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService workers;
    private final ExecutorService queries;
    private volatile QueryRouter router;

    private QueryServer(HttpServer server, ExecutorService workers, ExecutorService queries) {
        this.server = server;
        this.workers = workers;
        this.queries = queries;
    }

    /** Binds {@code host:port} (port 0 picks a free one) and starts serving. */
    public static QueryServer start(String host, int port) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        ExecutorService workers = Executors.newFixedThreadPool(THREADS, daemon("vmledger-http"));
        QueryServer q =
                new QueryServer(
                        server,
                        workers,
                        Executors.newFixedThreadPool(THREADS, daemon("vmledger-query")));
        server.setExecutor(workers);
        server.createContext("/", q::handle);
        server.start();
        return q;
    }

    /** The address to announce as {@code application.server}. */
    public HostInfo hostInfo() {
        InetSocketAddress a = server.getAddress();
        return new HostInfo(a.getHostString(), a.getPort());
    }

    /** Starts answering with {@code router}. */
    public void attach(QueryRouter router) {
        this.router = router;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            HttpReply reply =
                    reply(
                            ex,
                            () -> {
                                QueryRouter r = router;
                                if (r == null) {
                                    return HttpReply.error(503, "engine is starting");
                                }
                                return r.get(
                                        ex.getRequestURI().getRawPath(),
                                        ex.getRequestURI().getRawQuery(),
                                        ex.getRequestHeaders().containsKey(QueryRouter.FORWARDED));
                            },
                            queries);
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", reply.contentType());
            ex.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static HttpReply reply(
            HttpExchange ex, Supplier<HttpReply> answer, ExecutorService queries) {
        if (!"GET".equals(ex.getRequestMethod())) {
            return HttpReply.error(405, "only GET is supported");
        }
        String path = ex.getRequestURI().getRawPath();
        if (path.equals("/healthz") || path.equals("/metrics")) {
            // answered on the connection's own thread: never behind slow device queries
            return answer.get();
        }
        Future<HttpReply> running;
        try {
            running = queries.submit(answer::get);
        } catch (RejectedExecutionException e) {
            return HttpReply.error(503, "the query server is stopping");
        }
        try {
            return running.get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            running.cancel(true);
            return HttpReply.error(
                    503, "query timed out after " + QUERY_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            return HttpReply.error(500, c.getClass().getSimpleName() + ": " + c.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HttpReply.error(503, "the query server is stopping");
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        queries.shutdownNow();
    }
}
