package dev.berth.cli;

import dev.berth.cli.commands.ApplyCommand;
import dev.berth.cli.commands.CompletionCommand;
import dev.berth.cli.commands.DeleteCommand;
import dev.berth.cli.commands.DescribeCommand;
import dev.berth.cli.commands.GetCommand;
import dev.berth.cli.commands.AgentCommand;
import dev.berth.cli.commands.InitCommand;
import dev.berth.cli.commands.JoinCommand;
import dev.berth.cli.commands.JoinTokenCommand;
import dev.berth.cli.commands.LeaveCommand;
import dev.berth.cli.commands.NodeCommand;
import dev.berth.cli.commands.RolloutCommand;
import dev.berth.cli.commands.ServiceCommand;
import dev.berth.cli.commands.StatusCommand;
import dev.berth.cli.commands.StopCommand;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code berth} top-level command: holds the global {@code --host} option and the
 * environment, and lists the subcommands. Without a subcommand it prints its usage.
 */
@Command(name = "berth",
        mixinStandardHelpOptions = true,
        versionProvider = Berth.Version.class,
        description = "Berth: a container orchestrator with Swarm's simplicity and declarative objects.",
        subcommands = {
            InitCommand.class,
            JoinCommand.class,
            JoinTokenCommand.class,
            AgentCommand.class,
            StatusCommand.class,
            StopCommand.class,
            ApplyCommand.class,
            GetCommand.class,
            DescribeCommand.class,
            DeleteCommand.class,
            ServiceCommand.class,
            RolloutCommand.class,
            NodeCommand.class,
            LeaveCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {"", "The manager is --host, else $BERTH_HOST, else server: in ~/.berth/config, else "
                + CliConfig.DEFAULT_SERVER + "."})
public final class Berth implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-H", "--host"}, scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "The manager's API, e.g. http://10.0.0.1:4243 (default: $BERTH_HOST, ~/.berth/config, "
                    + CliConfig.DEFAULT_SERVER + ").")
    private String host;

    private final CliEnvironment environment;

    /** The command in this process's environment. */
    public Berth() {
        this(CliEnvironment.system());
    }

    /** The command in a given environment (tests). */
    public Berth(CliEnvironment environment) {
        this.environment = environment;
    }

    /**
     * The command line as {@code Main} runs it: {@code new CommandLine(new Berth(environment))}
     * with usage errors printed like docker's, {@code Error: ...} and a pointer to
     * {@code --help} instead of the whole usage text (exit code 2 either way).
     */
    public static CommandLine commandLine(CliEnvironment environment) {
        CommandLine cmd = new CommandLine(new Berth(environment));
        cmd.setParameterExceptionHandler(Berth::usageError);
        return cmd;
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine failed = e.getCommandLine();
        java.io.PrintWriter err = failed.getErr();
        err.println("Error: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run '" + failed.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return failed.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    public CliEnvironment environment() {
        return environment;
    }

    /** The {@code --host} option, if given. */
    public Optional<String> hostOption() {
        return Optional.ofNullable(host);
    }

    /** The manager's URL this invocation talks to (see {@link CliConfig#resolveServer}). */
    public String server() {
        return CliConfig.resolveServer(hostOption(), environment);
    }

    /** {@code berth --version}: the jar's implementation version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Berth.class.getPackage().getImplementationVersion();
            return new String[] {"berth " + (v == null ? "development build" : v)};
        }
    }
}
