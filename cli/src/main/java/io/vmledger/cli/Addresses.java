package io.vmledger.cli;

import io.vmledger.broker.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;

/**
 * Host names and ports named on the command line, checked before a command starts a broker or a
 * server: a name that does not resolve, or a port another process listens on, is one line and exit
 * 2, instead of a library's retries or a broker's stack trace.
 */
final class Addresses {
    private static final int CONNECT_TIMEOUT_MS = 500;

    private Addresses() {}

    /** Null when {@code host} resolves to an address, else "host 'HOST' does not resolve". */
    static String unresolvable(String host) {
        try {
            InetAddress.getAllByName(host);
            return null;
        } catch (UnknownHostException e) {
            return "host '" + host + "' does not resolve";
        }
    }

    /**
     * Null when this process can listen on {@code host:port} now (port 0: any free port), else why
     * not, naming {@code option}.
     */
    static String unbindable(String option, String host, int port) {
        String unresolved = unresolvable(host);
        if (unresolved != null) {
            return option + ": " + unresolved;
        }
        if (port == 0) {
            return null;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return null;
        } catch (IOException | IllegalArgumentException e) {
            return "cannot listen on "
                    + host
                    + ":"
                    + port
                    + " for "
                    + option
                    + ": "
                    + e.getMessage()
                    + " (choose another port, or 0 for any free one)";
        }
    }

    /**
     * Null when the embedded broker can listen on {@code port} of its loopback address, else why
     * not.
     */
    static String brokerPortProblem(int port) {
        return unbindable("--broker-port", EmbeddedKafkaBroker.HOST, port);
    }

    /**
     * Whether something accepts connections on {@code port} of the embedded broker's loopback
     * address.
     */
    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(EmbeddedKafkaBroker.HOST, port), CONNECT_TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
