package ai.cascade.ops.app;

/** What the shell's menus ask of the application. */
public interface ShellCommands {
    void openConnections();

    void resetDemo();

    void quit();

    void setDarkTheme(boolean dark);

    void showShortcuts();

    void openLogFolder();

    void showAbout();
}
