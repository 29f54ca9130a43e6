package ai.cascade.ops.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AppDirectoriesTest {
    private static final String USER_HOME = "/home/ops";

    @Test
    void theCascadeOpsHomePropertyWinsOverEverything() {
        AppDirectories d = AppDirectories.from("/opt/cascade-ops",
                Map.of("XDG_CONFIG_HOME", "/xdg/config", "XDG_DATA_HOME", "/xdg/data"), USER_HOME);

        assertThat(d.config()).isEqualTo(Path.of("/opt/cascade-ops/config"));
        assertThat(d.data()).isEqualTo(Path.of("/opt/cascade-ops/data"));
        assertThat(d.logs()).isEqualTo(Path.of("/opt/cascade-ops/logs"));
        assertThat(d.settingsFile()).isEqualTo(Path.of("/opt/cascade-ops/config/settings.json"));
        assertThat(d.demoFolder()).isEqualTo(Path.of("/opt/cascade-ops/data/demo"));
    }

    @Test
    void xdgConfigAndDataHomeAreHonoured() {
        AppDirectories d = AppDirectories.from(null,
                Map.of("XDG_CONFIG_HOME", "/xdg/config", "XDG_DATA_HOME", "/xdg/data", "XDG_STATE_HOME", "/xdg/state"), USER_HOME);

        assertThat(d.config()).isEqualTo(Path.of("/xdg/config/cascade-ops"));
        assertThat(d.data()).isEqualTo(Path.of("/xdg/data/cascade-ops"));
        assertThat(d.logs()).isEqualTo(Path.of("/xdg/state/cascade-ops/logs"));
    }

    @Test
    void withoutXdgVariablesTheFoldersAreUnderTheUsersHome() {
        AppDirectories d = AppDirectories.from(null, Map.of(), USER_HOME);

        assertThat(d.config()).isEqualTo(Path.of("/home/ops/.config/cascade-ops"));
        assertThat(d.data()).isEqualTo(Path.of("/home/ops/.local/share/cascade-ops"));
        assertThat(d.logs()).isEqualTo(Path.of("/home/ops/.local/state/cascade-ops/logs"));
        assertThat(d.settingsFile()).isEqualTo(Path.of("/home/ops/.config/cascade-ops/settings.json"));
    }

    @Test
    void aBlankHomePropertyAndBlankXdgVariablesAreIgnored() {
        AppDirectories d = AppDirectories.from("  ", Map.of("XDG_CONFIG_HOME", "", "XDG_DATA_HOME", " "), USER_HOME);

        assertThat(d.config()).isEqualTo(Path.of("/home/ops/.config/cascade-ops"));
        assertThat(d.data()).isEqualTo(Path.of("/home/ops/.local/share/cascade-ops"));
    }

    @Test
    void aRelativeXdgPathIsIgnoredAsTheSpecificationSays() {
        AppDirectories d = AppDirectories.from(null, Map.of("XDG_CONFIG_HOME", "relative/config", "XDG_DATA_HOME", "data"), USER_HOME);

        assertThat(d.config()).isEqualTo(Path.of("/home/ops/.config/cascade-ops"));
        assertThat(d.data()).isEqualTo(Path.of("/home/ops/.local/share/cascade-ops"));
    }

    @Test
    void forUserFollowsTheCascadeOpsHomeSystemProperty() {
        // surefire sets cascade.ops.home, so a test run never touches the developer's own settings
        String home = System.getProperty("cascade.ops.home");

        assertThat(home).isNotBlank();
        assertThat(AppDirectories.forUser().config()).isEqualTo(Path.of(home, "config"));
    }
}
