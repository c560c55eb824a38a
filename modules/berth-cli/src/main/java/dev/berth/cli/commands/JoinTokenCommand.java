package dev.berth.cli.commands;

import dev.berth.cli.BerthCommand;
import dev.berth.cli.client.JoinTokensInfo;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth join-token worker|manager [--rotate] [-q]}: prints the command that joins a server
 * to this cluster, as {@code docker swarm join-token} does; {@code --rotate} first replaces the
 * role's secret, so the old token stops working at once.
 */
@Command(name = "join-token", mixinStandardHelpOptions = true,
        description = {"Print the command that joins a server to this cluster (worker or manager).",
            "With --rotate, make a new token first: the old one stops working at once."})
public final class JoinTokenCommand extends BerthCommand {

    @Parameters(index = "0", paramLabel = "ROLE", description = "worker or manager.")
    private String role;

    @Option(names = "--rotate", description = "Replace the token with a new one (the old one is refused from now on).")
    private boolean rotate;

    @Option(names = {"-q", "--quiet"}, description = "Print the token only.")
    private boolean quiet;

    @Override
    protected int run() {
        if (!role.equals("worker") && !role.equals("manager")) {
            throw usage("ROLE must be worker or manager, got \"" + role + "\"");
        }
        JoinTokensInfo tokens = rotate ? client().rotateJoinToken(role) : client().joinTokens();
        String token = tokens.token(role);
        if (quiet) {
            out().println(token);
            return 0;
        }
        if (rotate) {
            out().println("Successfully rotated " + role + " join token.");
            out().println();
        }
        out().print(instructions(role, token, tokens.managerAddresses()));
        return 0;
    }

    /** Swarm's wording: the sentence, a blank line, the indented command, a blank line. */
    static String instructions(String role, String token, List<String> managerAddresses) {
        StringBuilder b = new StringBuilder();
        b.append("To add a ").append(role).append(" to this swarm, run the following command:\n\n");
        b.append("    ").append(JoinCommand.commandLine(token, managerAddresses)).append("\n\n");
        if (role.equals("manager")) {
            b.append("(Joining as a manager is not supported yet: a cluster has one manager until etcd membership"
                    + " lands.)\n\n");
        }
        return b.toString();
    }
}
