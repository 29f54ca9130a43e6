package ai.cascade.ops.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the console keeps its settings, demo data and logs: the XDG folders of the user,
 * or one folder named by the system property {@code cascade.ops.home} or the environment variable
 * {@code CASCADE_OPS_HOME} (tests, CI, portable use; the installed launcher takes no -D options).
 */
public record AppDirectories(Path config, Path data, Path logs) {

    public static AppDirectories forUser() {
        String home = System.getProperty("cascade.ops.home");
        if (home == null || home.isBlank()) home = System.getenv("CASCADE_OPS_HOME");
        return from(home, System.getenv(), System.getProperty("user.home"));
    }

    static AppDirectories from(String home, Map<String, String> env, String userHome) {
        if (home != null && !home.isBlank()) {
            Path h = Path.of(home);
            return new AppDirectories(h.resolve("config"), h.resolve("data"), h.resolve("logs"));
        }
        Path config = xdg(env.get("XDG_CONFIG_HOME"), Path.of(userHome, ".config")).resolve("cascade-ops");
        Path data = xdg(env.get("XDG_DATA_HOME"), Path.of(userHome, ".local", "share")).resolve("cascade-ops");
        Path state = xdg(env.get("XDG_STATE_HOME"), Path.of(userHome, ".local", "state")).resolve("cascade-ops");
        return new AppDirectories(config, data, state.resolve("logs"));
    }

    public Path settingsFile() {
        return config.resolve("settings.json");
    }

    public Path demoFolder() {
        return data.resolve("demo");
    }

    /** The XDG Base Directory specification says a relative path in these variables is invalid and must be ignored. */
    private static Path xdg(String value, Path fallback) {
        return value == null || value.isBlank() || !Path.of(value).isAbsolute() ? fallback : Path.of(value);
    }
}
