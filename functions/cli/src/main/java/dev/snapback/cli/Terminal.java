package dev.snapback.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The command's standard streams, and whether a person is at them. {@code bin/snapback} tells the JVM which streams
 * are terminals ({@code -Dsnapback.tty.in}, {@code -Dsnapback.tty.err}); without the launcher the JVM's console
 * decides.
 */
record Terminal(PrintStream out, PrintStream err, BufferedReader in, boolean interactive, boolean stderrIsTerminal) {

    static Terminal system() {
        java.io.Console console = System.console();
        boolean consoleIsTerminal = console != null && console.isTerminal();
        return new Terminal(System.out, System.err,
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                flag("snapback.tty.in", consoleIsTerminal), flag("snapback.tty.err", consoleIsTerminal));
    }

    private static boolean flag(String property, boolean otherwise) {
        String value = System.getProperty(property);
        return value == null ? otherwise : Boolean.parseBoolean(value);
    }
}
