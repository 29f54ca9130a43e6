package ai.cascade.ops.config;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes the settings file. It holds secrets, so the file is owner-only (0600, its folder 0700)
 * and replaced atomically. A corrupt file is kept aside, never overwritten silently, and reported.
 */
public final class SettingsStore {
    private static final Logger log = LoggerFactory.getLogger(SettingsStore.class);
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Pattern JSON_PATH = Pattern.compile("path (\\$[\\w.\\[\\]]*)");

    private final Path file;
    private final Gson gson = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    private Settings current;
    private String loadProblem;

    public SettingsStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Loads the file, or defaults when it is missing or unreadable (then {@link #loadProblem()} says why). */
    public synchronized Settings load() {
        loadProblem = null;
        if (!Files.exists(file)) {
            current = new Settings();
            return current.copy();
        }
        try {
            current = migrate(Files.readString(file, StandardCharsets.UTF_8));
        } catch (CharacterCodingException e) {
            keepAside("it is not UTF-8 text");
        } catch (IOException e) {
            keepAside(firstLine(e));
        } catch (Unusable e) {
            keepAside(e.getMessage());
        }
        return current.copy();
    }

    /** Moves an unusable file out of the way, so the next save cannot destroy what a person may want back. */
    private void keepAside(String reason) {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + Instant.now().toEpochMilli());
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException moveFailed) {
            aside = file;
        }
        loadProblem = "The settings file " + file + " could not be used (" + reason
                + "). It was kept aside as " + aside.getFileName() + "; the console started with default settings.";
        log.warn(loadProblem);
        current = new Settings();
    }

    /** Why the last load fell back to defaults, if it did. */
    public synchronized Optional<String> loadProblem() {
        return Optional.ofNullable(loadProblem);
    }

    public synchronized Settings snapshot() {
        if (current == null) load();
        return current.copy();
    }

    /**
     * Applies a change in memory only, so what is read next sees it; {@link #persist} writes it. For the FX thread,
     * which must not wait on the disk.
     */
    public synchronized Settings apply(Consumer<Settings> change) {
        Settings next = snapshot();
        change.accept(next);
        current = next;
        return next.copy();
    }

    /** Writes the settings as they are now (after {@link #apply}); not on the FX thread. */
    public void persist() throws IOException {
        synchronized (writing) {
            write(snapshot());
        }
    }

    private final Object writing = new Object();

    /** Applies a change and writes the file at once. */
    public synchronized Settings update(Consumer<Settings> change) throws IOException {
        Settings next = snapshot();
        change.accept(next);
        write(next);
        current = next;
        return next.copy();
    }

    private void write(Settings settings) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        restrict(dir, OWNER_DIR);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        Files.writeString(tmp, gson.toJson(settings), StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        restrict(file, OWNER_FILE);
    }

    /** A file that cannot become settings; the message names the problem but never a value from the file (it may be a secret). */
    private static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }

    /** Brings any older file up to {@link Settings#CURRENT_VERSION}; unknown fields are ignored. */
    private Settings migrate(String text) throws Unusable {
        JsonElement json;
        try {
            json = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw new Unusable("it is not valid JSON" + jsonPath(e));
        }
        if (!json.isJsonObject()) throw new Unusable("it does not hold a JSON object");
        JsonObject o = json.getAsJsonObject();
        int version = version(o);
        if (version > Settings.CURRENT_VERSION)
            throw new Unusable("it was written by a newer CASCADE Ops (settings version " + version + ")");
        // Version 0 (no version field) had the same fields; nothing to convert yet.
        // Thresholds written by hand may name only the ones changed: the others keep pghero's defaults, not zero.
        if (o.get("checkThresholds") instanceof JsonObject partial) {
            JsonObject whole = gson.toJsonTree(CheckThresholds.defaults()).getAsJsonObject();
            partial.entrySet().forEach(e -> whole.add(e.getKey(), e.getValue()));
            o.add("checkThresholds", whole);
        }
        Settings s;
        try {
            s = gson.fromJson(o, Settings.class);
        } catch (RuntimeException e) {   // Gson's type errors, and a profile record refusing a missing name
            throw new Unusable("a value in it does not fit the settings format" + jsonPath(e));
        }
        if (s.profiles == null) s.profiles = new java.util.ArrayList<>();
        if (s.tiers == null || s.tiers.isEmpty()) s.tiers = new java.util.ArrayList<>(Settings.defaultTiers());
        if (s.demoUsers <= 0) s.demoUsers = 50_000;
        if (s.sessionsRefreshSeconds <= 0) s.sessionsRefreshSeconds = 10;
        if (s.checkThresholds == null) s.checkThresholds = CheckThresholds.defaults();
        s.profiles.removeIf(p -> p == null || p.name() == null);
        s.version = Settings.CURRENT_VERSION;
        return s;
    }

    private static int version(JsonObject o) throws Unusable {
        JsonElement v = o.get("version");
        if (v == null || v.isJsonNull()) return 0;
        try {
            if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()) return v.getAsBigDecimal().intValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new Unusable("its version is not a whole number");
        }
        throw new Unusable("its version is not a number");
    }

    /** Where in the file Gson stopped (" at $.profiles[0].name"), never the value it found there. */
    private static String jsonPath(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher m = JSON_PATH.matcher(String.valueOf(t.getMessage()));
            if (m.find()) return " at " + m.group(1);
        }
        return "";
    }

    private static void restrict(Path p, Set<PosixFilePermission> perms) throws IOException {
        try {
            Files.setPosixFilePermissions(p, perms);
        } catch (UnsupportedOperationException | FileSystemException e) {
            log.warn("Could not restrict permissions of {}: {}", p, e.getMessage());
        }
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
