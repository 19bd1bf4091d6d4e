package io.vmledger.cli;

/**
 * The query server address of {@code --http HOST:PORT} (port 0: any free port).
 *
 * @param host the address to bind and announce
 * @param port 0..65535
 */
record HttpAddress(String host, int port) {
    /**
     * Parses {@code HOST:PORT}.
     *
     * @throws IllegalArgumentException naming the option when the text is not one
     */
    static HttpAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (!text.matches(".+:\\d{1,5}") || Integer.parseInt(text.substring(colon + 1)) > 65535) {
            throw new IllegalArgumentException(
                    "--http must be HOST:PORT with a port up to 65535, got '" + text + "'");
        }
        return new HttpAddress(
                text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    }

    /**
     * Null when the query servers of {@code instances} engines can listen here now (instance i on
     * PORT+i; port 0: any free ports), else why not.
     */
    String unbindable(int instances) {
        for (int i = 0; i < instances; i++) {
            String problem = Addresses.unbindable("--http", host, port == 0 ? 0 : port + i);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }
}
