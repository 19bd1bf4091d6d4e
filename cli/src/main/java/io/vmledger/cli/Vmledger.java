package io.vmledger.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vmledger} command: the composition root of producer, engine and tools. */
@Command(
        name = "vmledger",
        mixinStandardHelpOptions = true,
        versionProvider = Vmledger.Version.class,
        description =
                "An event-sourced ledger of GPU virtual-memory operations (drm_gpuvm / msm VM_BIND).",
        subcommands = {
            ReplayCommand.class,
            EngineCommand.class,
            ProduceCommand.class,
            SimulateCommand.class,
            CoredumpsCommand.class,
            AlertsCommand.class,
            AuditCommand.class,
            ExportCommand.class,
            DemoCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Vmledger implements Callable<Integer> {
    @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

    /** Entry point. */
    public static void main(String[] args) {
        System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "io.vmledger.schema");
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (usage errors exit with picocli's code 2). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Vmledger());
        cli.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
        return cli;
    }

    /** Without a subcommand: usage on stderr, exit 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /**
     * Reports the project version, which the build writes into {@code version.properties} beside
     * this class.
     */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties build = new Properties();
            try (InputStream in = Vmledger.class.getResourceAsStream("version.properties")) {
                if (in == null) {
                    throw new IOException("version.properties is missing: not built by Maven");
                }
                build.load(in);
            }
            return new String[] {"vmledger " + build.getProperty("version")};
        }
    }
}
