package ai.cascade.ops.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything the console remembers between runs. Plain fields so the JSON file stays readable;
 * {@link SettingsStore} is the only writer and migrates older versions.
 */
public final class Settings {
    public static final int CURRENT_VERSION = 1;

    public int version = CURRENT_VERSION;
    public String activeProfile;
    public List<ConnectionProfile> profiles = new ArrayList<>();
    public WindowPlacement window;
    public String lastView;
    public boolean utcTimes;
    public boolean darkTheme;
    public boolean firstRunDismissed;
    public int demoUsers = 50_000;
    /** The sessions page's auto-refresh interval in seconds (added without a version change: older files lack it, and get the default). */
    public int sessionsRefreshSeconds = 10;
    public List<Tier> tiers = new ArrayList<>(defaultTiers());
    /** Where health checks turn amber and red (added without a version change: older files get pghero's defaults). */
    public CheckThresholds checkThresholds = CheckThresholds.defaults();

    /** Window geometry in screen coordinates. */
    public record WindowPlacement(double x, double y, double width, double height, boolean maximized) {}

    public static List<Tier> defaultTiers() {
        return List.of(
                new Tier("observer", "", "month", "eur", 0),
                new Tier("citizen", "price_citizen_monthly", "month", "eur", 900),
                new Tier("merchant", "price_merchant_monthly", "month", "eur", 2900),
                new Tier("patrician", "price_patrician_yearly", "year", "eur", 29900),
                new Tier("doge", "price_doge_monthly", "month", "usd", 9900));
    }

    public java.util.Optional<ConnectionProfile> profile(String name) {
        return profiles.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public Settings copy() {
        Settings s = new Settings();
        s.version = version;
        s.activeProfile = activeProfile;
        s.profiles = new ArrayList<>(profiles);
        s.window = window;
        s.lastView = lastView;
        s.utcTimes = utcTimes;
        s.darkTheme = darkTheme;
        s.firstRunDismissed = firstRunDismissed;
        s.demoUsers = demoUsers;
        s.sessionsRefreshSeconds = sessionsRefreshSeconds;
        s.tiers = new ArrayList<>(tiers);
        s.checkThresholds = checkThresholds;
        return s;
    }
}
