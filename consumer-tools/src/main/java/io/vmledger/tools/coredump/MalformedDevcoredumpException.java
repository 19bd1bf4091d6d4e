package io.vmledger.tools.coredump;

import java.io.IOException;

/** A devcoredump text that does not follow the format where the reader knows it; names the line. */
public final class MalformedDevcoredumpException extends IOException {
    private static final long serialVersionUID = 1L;

    public MalformedDevcoredumpException(int line, String problem, String text) {
        super("line " + line + ": " + problem + ": '" + text + "'");
    }
}
