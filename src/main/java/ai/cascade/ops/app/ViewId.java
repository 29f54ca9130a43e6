package ai.cascade.ops.app;

import javafx.scene.input.KeyCode;

/** The console's pages, in navigation order, with their icon and Ctrl+digit shortcut. */
public enum ViewId {
    OVERVIEW("Overview", "mdi2v-view-dashboard-outline", KeyCode.DIGIT1),
    USERS("Users", "mdi2a-account-search-outline", KeyCode.DIGIT2),
    SUBSCRIPTIONS("Subscriptions", "mdi2c-credit-card-outline", KeyCode.DIGIT3),
    CACHE("Cache", "mdi2l-lightning-bolt-outline", KeyCode.DIGIT4),
    SESSIONS("Sessions", "mdi2a-account-clock-outline", KeyCode.DIGIT5),
    DATABASE("Database", "mdi2d-database-outline", KeyCode.DIGIT6),
    AUDIT("Audit", "mdi2c-clipboard-text-clock-outline", KeyCode.DIGIT7);

    private final String label;
    private final String icon;
    private final KeyCode key;

    ViewId(String label, String icon, KeyCode key) {
        this.label = label;
        this.icon = icon;
        this.key = key;
    }

    public String label() { return label; }

    public String icon() { return icon; }

    public KeyCode key() { return key; }

    public static ViewId parse(String name) {
        if (name != null) for (ViewId v : values()) if (v.name().equalsIgnoreCase(name)) return v;
        return OVERVIEW;
    }
}
