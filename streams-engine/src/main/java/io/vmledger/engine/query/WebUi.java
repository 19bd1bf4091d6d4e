package io.vmledger.engine.query;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The web UI's static assets, served from the jar: {@code /} is {@code index.html}, {@code
 * /ui/NAME} the file {@code NAME} of the resource folder {@value #ROOT}. Plain HTML, CSS and
 * JavaScript modules, nothing fetched from elsewhere, so the UI works offline. Only names of
 * letters, digits, dots, dashes and underscores are served (no path traversal).
 */
final class WebUi {
    /** The resource folder holding the assets. */
    static final String ROOT = "/io/vmledger/engine/ui/";

    private static final Map<String, String> TYPES =
            Map.of(
                    "html", "text/html; charset=utf-8",
                    "js", "text/javascript; charset=utf-8",
                    "css", "text/css; charset=utf-8",
                    "svg", "image/svg+xml");

    private WebUi() {}

    /** Whether {@code path} names a UI asset rather than an API route. */
    static boolean serves(String path) {
        return path.equals("/") || path.equals("/index.html") || path.startsWith("/ui/");
    }

    /** The asset at {@code path}, or a 404. */
    static HttpReply asset(String path) {
        String name = path.equals("/") ? "index.html" : path.substring(path.lastIndexOf('/') + 1);
        if (!name.matches("[A-Za-z0-9._-]+") || name.startsWith(".")) {
            return HttpReply.error(404, "no such asset: " + path);
        }
        String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
        try (InputStream in = WebUi.class.getResourceAsStream(ROOT + name)) {
            if (in == null || type == null) {
                return HttpReply.error(404, "no such asset: " + path);
            }
            return new HttpReply(200, type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
