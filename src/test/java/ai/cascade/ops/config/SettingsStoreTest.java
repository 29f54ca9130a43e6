package ai.cascade.ops.config;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class SettingsStoreTest {
    private static final ConnectionProfile STAGING = new ConnectionProfile("Staging", false, true,
            "postgresql://ops:pg-s3cr3t@db-staging:5432/cascade?sslmode=require",
            "rediss://monitor:redis-s3cr3t@cache-staging:6380/0",
            "https://serenissima.ai/api",
            "rk_test_51Hx9aZ2eZvKYlo2C0123456789abcd");

    @TempDir
    Path home;

    private Path settingsFile() {
        return home.resolve("config").resolve("cascade-ops").resolve("settings.json");
    }

    @Test
    void savedProfilesAndWindowPlacementLoadAgainUnchanged() throws IOException {
        SettingsStore store = new SettingsStore(settingsFile());
        Settings.WindowPlacement window = new Settings.WindowPlacement(120.5, 80, 1440, 900, true);
        store.update(s -> {
            s.profiles.add(STAGING);
            s.activeProfile = "Staging";
            s.window = window;
            s.lastView = "subscriptions";
            s.darkTheme = true;
            s.utcTimes = true;
        });

        SettingsStore again = new SettingsStore(settingsFile());
        Settings loaded = again.load();

        assertThat(again.loadProblem()).isEmpty();
        assertThat(loaded.profiles).containsExactly(STAGING);
        assertThat(loaded.activeProfile).isEqualTo("Staging");
        assertThat(loaded.window).isEqualTo(window);
        assertThat(loaded.lastView).isEqualTo("subscriptions");
        assertThat(loaded.darkTheme).isTrue();
        assertThat(loaded.utcTimes).isTrue();
        assertThat(loaded.tiers).isEqualTo(Settings.defaultTiers());
        assertThat(loaded.version).isEqualTo(Settings.CURRENT_VERSION);
    }

    @Test
    void theFileIsReadableOnlyByItsOwnerAndSoIsItsFolder() throws IOException {
        SettingsStore store = new SettingsStore(settingsFile());
        store.update(s -> s.profiles.add(STAGING));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(settingsFile()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(settingsFile().getParent()))).isEqualTo("rwx------");
    }

    @Test
    void anExistingOpenFolderIsClosedToOthersOnTheNextSave() throws IOException {
        Files.createDirectories(settingsFile().getParent());
        Files.setPosixFilePermissions(settingsFile().getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));

        new SettingsStore(settingsFile()).update(s -> s.darkTheme = true);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(settingsFile().getParent()))).isEqualTo("rwx------");
    }

    @Test
    void aMissingFileGivesDefaultsWithoutAProblem() {
        SettingsStore store = new SettingsStore(settingsFile());

        Settings s = store.load();

        assertThat(store.loadProblem()).isEmpty();
        assertThat(s.profiles).isEmpty();
        assertThat(s.tiers).isEqualTo(Settings.defaultTiers());
        assertThat(Files.exists(settingsFile())).isFalse();
    }

    @Test
    void aCorruptFileGivesDefaultsAndIsKeptAsideWithItsOriginalBytes() throws IOException {
        byte[] corrupt = "{not json".getBytes(StandardCharsets.UTF_8);
        writeSettings(corrupt);
        SettingsStore store = new SettingsStore(settingsFile());

        Settings s = store.load();

        assertThat(s.profiles).isEmpty();
        assertThat(s.tiers).isEqualTo(Settings.defaultTiers());
        String problem = store.loadProblem().orElseThrow();
        assertThat(problem).contains(settingsFile().toString()).contains("kept aside");
        Path aside = onlyKeptAsideCopy();
        assertThat(problem).contains(aside.getFileName().toString());
        assertThat(Files.readAllBytes(aside)).isEqualTo(corrupt);
    }

    @Test
    void theNextSaveAfterACorruptFileDoesNotDestroyTheKeptCopy() throws IOException {
        writeSettings("{not json".getBytes(StandardCharsets.UTF_8));
        SettingsStore store = new SettingsStore(settingsFile());
        store.load();

        store.update(s -> s.darkTheme = true);

        assertThat(Files.readString(onlyKeptAsideCopy())).isEqualTo("{not json");
        assertThat(new SettingsStore(settingsFile()).load().darkTheme).isTrue();
    }

    @Test
    void aFileFromANewerVersionIsRefusedWithAMessageAndKept() throws IOException {
        String newer = "{\"version\": 99, \"profiles\": [], \"somethingNew\": true}";
        writeSettings(newer.getBytes(StandardCharsets.UTF_8));
        SettingsStore store = new SettingsStore(settingsFile());

        Settings s = store.load();

        assertThat(s.version).isEqualTo(Settings.CURRENT_VERSION);
        assertThat(store.loadProblem().orElseThrow()).contains("newer").contains("99").contains(settingsFile().toString());
        assertThat(Files.readString(onlyKeptAsideCopy())).isEqualTo(newer);
    }

    @Test
    void aVersionZeroFileIsReadAndWrittenBackAsTheCurrentVersion() throws IOException {
        String v0 = """
                {
                  "activeProfile": "Staging",
                  "profiles": [{"name": "Staging", "production": false, "readOnly": true,
                                "postgresUrl": "postgresql://ops@db-staging/cascade", "redisUrl": "", "veniceUrl": "", "stripeKey": ""}],
                  "darkTheme": true
                }
                """;
        writeSettings(v0.getBytes(StandardCharsets.UTF_8));
        SettingsStore store = new SettingsStore(settingsFile());

        Settings loaded = store.load();
        assertThat(store.loadProblem()).isEmpty();
        assertThat(loaded.profile("Staging")).map(ConnectionProfile::postgresUrl).contains("postgresql://ops@db-staging/cascade");
        assertThat(loaded.darkTheme).isTrue();

        store.update(s -> s.lastView = "users");

        var written = JsonParser.parseString(Files.readString(settingsFile())).getAsJsonObject();
        assertThat(written.get("version").getAsInt()).isEqualTo(Settings.CURRENT_VERSION);
        assertThat(written.getAsJsonArray("profiles")).hasSize(1);
        assertThat(written.get("lastView").getAsString()).isEqualTo("users");
    }

    @Test
    void missingListsAndANonsenseUserCountFallBackToDefaults() throws IOException {
        writeSettings("{\"version\": 1, \"profiles\": null, \"tiers\": [], \"demoUsers\": -5}".getBytes(StandardCharsets.UTF_8));
        SettingsStore store = new SettingsStore(settingsFile());

        Settings s = store.load();

        assertThat(store.loadProblem()).isEmpty();
        assertThat(s.profiles).isEmpty();
        assertThat(s.tiers).isEqualTo(Settings.defaultTiers());
        assertThat(s.demoUsers).isEqualTo(50_000);
    }

    @Test
    void thresholdsWrittenByHandKeepPgheroDefaultsForTheOnesNotNamed() throws IOException {
        writeSettings("{\"version\": 1, \"checkThresholds\": {\"longRunningSeconds\": 300}}".getBytes(StandardCharsets.UTF_8));
        Settings s = new SettingsStore(settingsFile()).load();

        CheckThresholds d = CheckThresholds.defaults();
        assertThat(s.checkThresholds.longRunningSeconds()).isEqualTo(300);
        assertThat(s.checkThresholds).usingRecursiveComparison().ignoringFields("longRunningSeconds").isEqualTo(d);
        assertThat(new SettingsStore(settingsFile()).load().checkThresholds.cacheHitRatePercent()).isEqualTo(99.0);
    }

    /** A hand-edited file must never stop the console from starting, nor put a secret into the message or the log. */
    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "[\"rk_test_51Hx9aZ2eZvKYlo2C0123456789abcd\"]",
            "\"rk_test_51Hx9aZ2eZvKYlo2C0123456789abcd\"",
            "{\"version\": \"one\", \"profiles\": []}",
            "{\"version\": {\"major\": 1}}",
            "{\"version\": 1, \"demoUsers\": \"many\"}",
            "{\"version\": 1, \"window\": \"maximized\"}",
            "{\"version\": 1, \"profiles\": [{\"production\": true, \"postgresUrl\": \"postgresql://ops:pg-s3cr3t@db/app\","
                    + " \"stripeKey\": \"rk_test_51Hx9aZ2eZvKYlo2C0123456789abcd\"}]}",
    })
    void aFileThatDoesNotFitTheFormatGivesDefaultsWithAMessageWithoutSecrets(String content) throws IOException {
        writeSettings(content.getBytes(StandardCharsets.UTF_8));
        SettingsStore store = new SettingsStore(settingsFile());

        Settings s = store.load();

        assertThat(s.profiles).isEmpty();
        String problem = store.loadProblem().orElseThrow();
        assertThat(problem).contains(settingsFile().toString()).contains("kept aside")
                .doesNotContain("pg-s3cr3t").doesNotContain("rk_test_51Hx");
        assertThat(Files.readString(onlyKeptAsideCopy())).isEqualTo(content);
    }

    @Test
    void aFileThatIsNotUtf8IsKeptAsideToo() throws IOException {
        byte[] latin1 = "{\"lastView\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        writeSettings(latin1);
        SettingsStore store = new SettingsStore(settingsFile());

        store.load();

        assertThat(store.loadProblem()).isPresent();
        assertThat(Files.readAllBytes(onlyKeptAsideCopy())).isEqualTo(latin1);
    }

    @Test
    void aSnapshotIsACopyThatDoesNotChangeTheStore() throws IOException {
        SettingsStore store = new SettingsStore(settingsFile());
        store.update(s -> s.profiles.add(STAGING));

        Settings copy = store.snapshot();
        copy.profiles.clear();
        copy.activeProfile = "elsewhere";

        assertThat(store.snapshot().profiles).containsExactly(STAGING);
        assertThat(store.snapshot().activeProfile).isNull();
    }

    private void writeSettings(byte[] bytes) throws IOException {
        Files.createDirectories(settingsFile().getParent());
        Files.write(settingsFile(), bytes);
    }

    private Path onlyKeptAsideCopy() throws IOException {
        try (Stream<Path> files = Files.list(settingsFile().getParent())) {
            List<Path> aside = files.filter(p -> !p.equals(settingsFile()) && p.getFileName().toString().startsWith("settings.json."))
                    .filter(p -> !p.getFileName().toString().endsWith(".tmp"))
                    .toList();
            assertThat(aside).as("one copy kept aside beside %s", settingsFile()).hasSize(1);
            return aside.get(0);
        }
    }
}
