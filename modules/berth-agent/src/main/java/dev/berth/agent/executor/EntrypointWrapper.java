package dev.berth.agent.executor;

import java.util.ArrayList;
import java.util.List;

/**
 * The entrypoint of a container whose network the agent plumbs ({@link NetworkPlumber}): a shell
 * that waits until the container's {@code eth0} is up, then becomes the task's own command. The
 * engine starts the container's process before the agent can link it, so without the wait a
 * program could run a moment without its network (a client that connects at once would fail).
 * Kubernetes closes the same gap with a sandbox ("pause") container per pod, at the price of a
 * second container for every task.
 *
 * <p>The shell is the node's static busybox, mounted read-only at {@link #MOUNT_POINT}: images
 * need no shell of their own (as Docker mounts its own {@code docker-init} for {@code --init}).
 * Before waiting it looks the command up in the container's {@code PATH} itself, so that a
 * command missing from the image fails at once with Docker's own words ({@code exec: "nope":
 * executable file not found in $PATH}, exit 127), and so that busybox's built-in applets never
 * stand in for the image's programs of the same name. The command keeps its {@code argv[0]}.
 * After {@link #WAIT_LIMIT_SECONDS} without a network it gives up with exit 125 (an agent that
 * died between the start and the link; its successor links adopted containers, so this is rare).
 */
public final class EntrypointWrapper {

    /** Where the node's busybox appears in the container. */
    public static final String MOUNT_POINT = "/.berth/busybox";

    /** How long the container waits for its link before it fails. */
    public static final int WAIT_LIMIT_SECONDS = 60;

    /** The exit code of a command that is not in the image (the shell's, and Docker's words). */
    public static final int COMMAND_NOT_FOUND = 127;

    /** {@code $0} of the script: what {@code ps} shows until the command replaces it. */
    static final String NAME = "berth-wait-network";

    static final String SCRIPT = String.join("\n",
            "p=$1",
            "case $p in",
            "*/*) if [ ! -f \"$p\" ] || [ ! -x \"$p\" ]; then",
            "  echo \"exec: \\\"$p\\\": stat $p: no such file or directory\" >&2; exit 127; fi ;;",
            "*) f=; IFS=:",
            "  for d in ${PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}; do",
            "    if [ -f \"$d/$p\" ] && [ -x \"$d/$p\" ]; then f=$d/$p; break; fi",
            "  done",
            "  unset IFS",
            "  if [ -z \"$f\" ]; then",
            "    echo \"exec: \\\"$p\\\": executable file not found in \\$PATH\" >&2; exit 127; fi",
            "  p=$f ;;",
            "esac",
            // usleep is a separate process: back off from 1 ms to 50 ms rather than spin
            "d=1000; t=0",
            "until read -r s 2>/dev/null </sys/class/net/eth0/operstate && [ \"$s\" = up ]; do",
            "  if [ $t -ge " + WAIT_LIMIT_SECONDS + "000000 ]; then",
            "    echo \"berth: the container's network was not set up within " + WAIT_LIMIT_SECONDS
                    + " s\" >&2; exit 125; fi",
            "  usleep $d; t=$((t+d))",
            "  if [ $d -lt 50000 ]; then d=$((d*2)); fi",
            "done",
            "a0=$1; shift",
            "exec -a \"$a0\" \"$p\" \"$@\"");

    private EntrypointWrapper() {
    }

    /**
     * The command the engine would run, by Docker's rules: an entrypoint given by the task
     * replaces the image's entrypoint and its default arguments; arguments given by the task
     * replace the image's default arguments.
     *
     * @param command the task's entrypoint (empty: the image's)
     * @param args the task's arguments (empty: the image's, unless the task gives an entrypoint)
     */
    public static List<String> effectiveCommand(List<String> command, List<String> args, List<String> imageEntrypoint,
            List<String> imageCmd) {
        List<String> argv = new ArrayList<>();
        if (!command.isEmpty()) {
            argv.addAll(command);
            argv.addAll(args);
        } else {
            argv.addAll(imageEntrypoint);
            argv.addAll(args.isEmpty() ? imageCmd : args);
        }
        return List.copyOf(argv);
    }

    /** The container's entrypoint; its arguments are the {@linkplain #effectiveCommand command}. */
    public static List<String> entrypoint() {
        return List.of(MOUNT_POINT, "sh", "-c", SCRIPT, NAME);
    }
}
