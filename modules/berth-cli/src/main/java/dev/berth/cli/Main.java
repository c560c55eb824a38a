package dev.berth.cli;

/**
 * The {@code berth} program's entry point.
 *
 * <p>Logging: the CLI's {@code log4j2.xml} logs only warnings and errors, to stderr, so that
 * command output stays clean for scripts. {@code berth init} runs a manager in this process; its
 * log (INFO and up) goes to stdout (the {@code manager.log} file with {@code --detach}), so Main
 * picks {@code log4j2-manager.xml} before anything touches Log4j.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (isInit(args) && System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "log4j2-manager.xml");
        }
        int code = Berth.commandLine(CliEnvironment.system()).execute(args);
        System.exit(code);
    }

    /**
     * Whether the subcommand is {@code init} or {@code agent}, the long-running ones that want the
     * INFO log (skipping global options and their values).
     */
    static boolean isInit(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-H") || a.equals("--host")) {
                i++;
            } else if (!a.startsWith("-")) {
                return a.equals("init") || a.equals("agent");
            }
        }
        return false;
    }
}
