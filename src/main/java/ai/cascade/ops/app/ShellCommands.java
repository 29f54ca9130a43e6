package ai.cascade.ops.app;

/** What the shell's menus ask of the application. */
public interface ShellCommands {
    void openConnections();

    void resetDemo();

    /** Where the health checks turn amber and red (settings, with pghero's defaults). */
    void editCheckThresholds();

    void quit();

    void setDarkTheme(boolean dark);

    void showShortcuts();

    void openLogFolder();

    void showAbout();
}
