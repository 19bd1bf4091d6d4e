package io.vmledger.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One {@code vmledger} invocation in the test's JVM: its exit status and what it printed.
 *
 * @param out standard output
 * @param err standard error
 */
record CliRun(int exit, String out, String err) {
    /** Runs {@code vmledger args...} and captures its output. */
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Vmledger.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }
}
