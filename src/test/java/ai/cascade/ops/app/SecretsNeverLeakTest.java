package ai.cascade.ops.app;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.billing.SubscriptionDirectory;
import ai.cascade.ops.billing.SubscriptionQuery;
import ai.cascade.ops.config.Settings;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.ui.Problems;
import ai.cascade.ops.users.UserDirectory;
import ai.cascade.ops.users.UserQuery;
import ai.cascade.ops.backend.Health;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.config.AppDirectories;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.config.SettingsStore;
import ai.cascade.ops.testing.ConsoleHarness;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.TestServers;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.sun.net.httpserver.HttpServer;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Control;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableView;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.Tooltip;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, item 4: with a known Stripe key, JWT ids and passwords (also inside the profile's connection URLs), the
 * console runs every page against working servers and then against failing ones (wrong passwords, a closed port,
 * Stripe answering 401 and 500), the check and inventory commands write their JSON, users and subscriptions are
 * exported to CSV (and an export fails on a wrong password), and afterwards no log line (every level, with
 * stack traces, as logback formats them), no text shown anywhere in the scene graph and no command output or exported file holds any
 * secret or its first 8 characters. The settings file and its folder are the owner's alone.
 */
@ExtendWith(ApplicationExtension.class)
class SecretsNeverLeakTest {
    private static final String TAG = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    static final String STRIPE_KEY = "sk_test_" + "Leak9" + TAG + "StripeCanary";
    static final String PG_PASSWORD = "Pg9" + TAG + "pwCanary";
    static final String WRONG_PG_PASSWORD = "Xp9" + TAG + "wrongCanary";
    static final String REDIS_PASSWORD = "Rd9" + TAG + "pwCanary";
    static final String WRONG_REDIS_PASSWORD = "Xr9" + TAG + "wrongCanary";
    static final String JTI = "c9" + TAG + "-1e2d-4c3b-9a7e-0d9f8e7c6b5a";
    static final String OTHER_JTI = "b8" + TAG + "-7a6b-4c5d-8e9f-1a2b3c4d5e6f";
    static final List<String> SECRETS = List.of(STRIPE_KEY, PG_PASSWORD, WRONG_PG_PASSWORD, REDIS_PASSWORD, WRONG_REDIS_PASSWORD, JTI, OTHER_JTI);

    private static final String PG_LOGIN = "leak9_support";
    private static final String REDIS_USER = "leak9_support";

    static String url;
    static RedisConnection redisAdmin;
    static HttpServer stripe;
    static final AtomicInteger stripeStatus = new AtomicInteger(401);
    static final AtomicInteger stripeRequests = new AtomicInteger();
    static final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    static OutputStreamAppender<ILoggingEvent> capture;
    static Level rootLevel;

    @TempDir Path home;
    Stage stage;
    Console console;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @BeforeAll
    static void servers() throws Exception {
        captureEveryLogLine();
        url = TestServers.freshDatabaseUrl("secrets9");
        try (Connection c = TestServers.admin(url).getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP ROLE IF EXISTS " + PG_LOGIN);
            st.execute("CREATE ROLE " + PG_LOGIN + " LOGIN PASSWORD '" + PG_PASSWORD + "' IN ROLE cascade_ops_support");
            st.execute("INSERT INTO cascade_users(id, venice_username, email, stripe_customer_id, subscription_tier, subscription_status) "
                    + "VALUES (1, 'Foscari_Banker', 'f@example.org', 'cus_Leak1', 'citizen', 'active')");
            st.execute("INSERT INTO subscriptions(user_id, stripe_subscription_id, tier, amount, status, current_period_start, current_period_end) "
                    + "VALUES (1, 'sub_Leak1', 'citizen', 900, 'active', now() - interval '3 days', now() + interval '27 days')");
        }
        redisAdmin = TestServers.freshRedis();
        createSupportRedisUser();
        long exp = Instant.now().getEpochSecond() + 3600;
        redisAdmin.run("fixture", c -> {
            c.setex("cascade:session:1", 3600, "{\"user_id\": 1, \"venice_username\": \"Foscari_Banker\", \"jti\": \"" + JTI
                    + "\", \"exp\": " + exp + ", \"ip\": \"93.41.12.7\"}");
            return c.setex("cascade:blacklist:" + OTHER_JTI, 3600, "revoked");
        });
        stripe = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stripe.createContext("/", exchange -> {
            stripeRequests.incrementAndGet();
            int status = stripeStatus.get();
            // Stripe's own 401 names the key masked, as the real API does; the 500 says nothing of it.
            String body = status == 401
                    ? "{\"error\": {\"type\": \"invalid_request_error\", \"message\": \"Invalid API Key provided: sk_test_********"
                    + STRIPE_KEY.substring(STRIPE_KEY.length() - 4) + "\"}}"
                    : "{\"error\": {\"type\": \"api_error\", \"message\": \"Something went wrong on Stripe's end.\"}}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        stripe.start();
    }

    @AfterAll
    static void stopServers() {
        if (stripe != null) stripe.stop(0);
        if (redisAdmin != null) {
            redisAdmin.run("removing the ACL user", c -> c.aclDeluser(REDIS_USER));
            redisAdmin.close();
        }
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        if (capture != null) {
            root.detachAppender(capture);
            capture.stop();
        }
        if (rootLevel != null) root.setLevel(rootLevel);
    }

    @AfterEach
    void closeConsole() {
        if (console != null) console.closeConnections();
    }

    private static String redisBase() {
        return TestServers.redisUrl();   // redis://127.0.0.1:port
    }

    private static String postgresWith(String login, String password) {
        return url.replace("postgres@", login + ":" + password + "@");
    }

    private static String redisWith(String user, String password) {
        return redisBase().replace("redis://", "redis://" + user + ":" + password + "@");
    }

    @Test
    void noSecretAppearsInLogsOnScreenOrInCommandOutputAndTheSettingsAreTheOwnersAlone() throws Exception {
        List<String> shown = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        AppDirectories dirs = new AppDirectories(home.resolve("config"), home.resolve("data"), home.resolve("logs"));

        // 1. Working servers; Stripe refuses the key (401).
        ConnectionProfile working = new ConnectionProfile("leak-working", false, false, postgresWith(PG_LOGIN, PG_PASSWORD),
                redisWith(REDIS_USER, REDIS_PASSWORD), "", STRIPE_KEY);
        visitEveryPage(dirs, working, shown, true);

        // 2. Wrong passwords everywhere; Stripe fails (500).
        stripeStatus.set(500);
        ConnectionProfile failing = new ConnectionProfile("leak-failing", false, false, postgresWith(PG_LOGIN, WRONG_PG_PASSWORD),
                redisWith(REDIS_USER, WRONG_REDIS_PASSWORD), "", STRIPE_KEY);
        visitEveryPage(dirs, failing, shown, false);

        // 3. Nothing listens on Postgres' port (a closed port, password still in the URL).
        ConnectionProfile closed = new ConnectionProfile("leak-closed", false, false,
                "postgresql://" + PG_LOGIN + ":" + PG_PASSWORD + "@127.0.0.1:" + closedPort() + "/cascade",
                redisWith(REDIS_USER, REDIS_PASSWORD), "", STRIPE_KEY);
        visitEveryPage(dirs, closed, shown, false);

        // 4. The commands' JSON, from profiles saved as the app saves them.
        SettingsStore store = new SettingsStore(dirs.settingsFile());
        for (ConnectionProfile p : List.of(working, failing, closed)) {
            store.update(s -> {
                s.profiles.removeIf(q -> q.name().equals(p.name()));
                s.profiles.add(p);
                s.activeProfile = p.name();
            });
            outputs.add(command(out -> CheckCommand.run(new String[] {"--json", "--timeout", "10"}, Map.of(), store, out, out)));
            outputs.add(command(out -> InventoryCommand.run(new String[] {"--json"}, Map.of(), store, out, out, false)));
        }

        // 5. CSV exports of users and subscriptions, and a failed one (wrong password) whose message is kept.
        List<String> exported = new ArrayList<>();
        for (String password : List.of(PG_PASSWORD, WRONG_PG_PASSWORD)) {
            try (Database db = TestServers.open(postgresWith(PG_LOGIN, password))) {
                Connections only = new Connections() {
                    @Override public Database database() { return db; }

                    @Override public RedisConnection redis() { return redisAdmin; }
                };
                Path users = home.resolve("users-" + exported.size() + ".csv"), subs = home.resolve("subscriptions-" + exported.size() + ".csv");
                try {
                    new UserDirectory(only).export(UserQuery.of(""), users, CancelSignal.NONE, n -> { });
                    new SubscriptionDirectory(only, Settings.defaultTiers()).export(SubscriptionQuery.all(), subs, CancelSignal.NONE, n -> { });
                    exported.add(Files.readString(users));
                    exported.add(Files.readString(subs));
                } catch (RuntimeException failed) {
                    shown.add(Problems.describe(failed));   // what the export dialog would show
                    exported.add(String.valueOf(failed.getMessage()));
                }
            }
        }
        assertThat(String.join("\n", exported)).as("the working export wrote rows").contains("Foscari_Banker", "sub_Leak1");
        outputs.addAll(exported);

        // The scenario really exercised the secrets: the session and blacklist keys exist, Stripe was called, things failed.
        assertThat(stripeRequests.get()).as("Stripe was asked").isPositive();
        assertThat(String.join("\n", shown)).as("the pages showed the failures").containsAnyOf("refused", "password", "authentication");
        assertThat(shown).as("the Sessions page listed the session whose token id is a secret").anyMatch(t -> t.contains("Foscari_Banker"));
        LoggerFactory.getLogger("ai.cascade.ops.secrets-control").debug("capture control {}", TAG);
        String logText = logged.toString(StandardCharsets.UTF_8);
        assertThat(logText).as("the capture sees DEBUG lines").contains("capture control " + TAG);
        assertThat(logText).as("failures were logged").containsIgnoringCase("password");
        // Control for the file search: the settings file is where the secrets live, so the same search finds them there.
        assertThat(Files.readString(dirs.settingsFile())).contains(STRIPE_KEY, PG_PASSWORD);

        List<String> logFiles = new ArrayList<>();
        if (Files.isDirectory(dirs.logs()))
            try (Stream<Path> files = Files.walk(dirs.logs())) {
                for (Path f : files.filter(Files::isRegularFile).toList()) logFiles.add(Files.readString(f));
            }

        for (String secret : SECRETS) {
            // A Stripe key's first 8 characters are its public kind ("sk_test_"): the first 8 of its secret part count.
            String secretPart = secret.startsWith("sk_test_") ? secret.substring("sk_test_".length()) : secret;
            for (String needle : List.of(secret, secretPart.substring(0, 8))) {
                assertThat(logText).as("the log holds " + needle).doesNotContain(needle);
                assertThat(logFiles).as("a log file holds " + needle).noneMatch(t -> t.contains(needle));
                assertThat(shown).as("the screen shows " + needle).noneMatch(t -> t.contains(needle));
                assertThat(outputs).as("a command's output holds " + needle).noneMatch(t -> t.contains(needle));
            }
        }

        // Owner-only, as SettingsStore wrote them.
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dirs.settingsFile()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dirs.settingsFile().getParent()))).isEqualTo("rwx------");
    }

    /** Starts the console on {@code profile}, opens every page, and keeps every text the scene graph shows. */
    private void visitEveryPage(AppDirectories dirs, ConnectionProfile profile, List<String> shown, boolean postgresWorks) {
        String base = "http://127.0.0.1:" + stripe.getAddress().getPort();
        Fx.run(() -> {
            console = new Console(dirs, new Console.Options(null, base, profile));
            console.start(stage);
        });
        if (postgresWorks) ConsoleHarness.awaitState(console, Backend.POSTGRES, Health.State.CONNECTED, Duration.ofSeconds(20));
        else ConsoleHarness.awaitNotState(console, Backend.POSTGRES, Health.State.CONNECTED, Duration.ofSeconds(20));
        for (ViewId v : ViewId.values()) {
            Fx.run(() -> console.shell().select(v));
            ConsoleHarness.awaitSettled(console, Duration.ofSeconds(30));
            shown.addAll(Fx.read(() -> {
                List<String> out = new ArrayList<>();
                out.add(stage.getTitle());
                texts(stage.getScene().getRoot(), out);
                return out;
            }));
        }
        console.closeConnections();
        console = null;
    }

    /** Every text a person could see or hover: labels, buttons, cells, fields, prompts, tooltips, table rows. */
    private static void texts(Node n, List<String> out) {
        if (n instanceof Labeled l) out.add(l.getText());
        if (n instanceof TextInputControl t) {
            out.add(t.getText());
            out.add(t.getPromptText());
        }
        if (n instanceof Control c) {
            Tooltip tip = c.getTooltip();
            if (tip != null) out.add(tip.getText());
        }
        if (n instanceof TableView<?> table) for (Object item : table.getItems()) out.add(String.valueOf(item));
        if (n instanceof Parent p) for (Node child : p.getChildrenUnmodifiable()) texts(child, out);
        out.removeIf(s -> s == null || s.isEmpty());
    }

    private interface Command {
        int run(PrintStream out);
    }

    private static String command(Command c) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int exit = c.run(out);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).as("exit " + exit).isNotBlank();
        return text;
    }

    /** Every log event from here on, at every level, formatted with its stack trace, as a log file would hold it. */
    private static void captureEveryLogLine() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        rootLevel = root.getLevel();
        root.setLevel(Level.DEBUG);   // the chatty libraries keep their own WARN from logback-test.xml
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%-5level %logger - %msg%n%ex{full}");
        encoder.start();
        capture = new OutputStreamAppender<>();
        capture.setContext(context);
        capture.setName("SECRETS-CAPTURE");
        capture.setEncoder(encoder);
        capture.setOutputStream(logged);
        capture.start();
        root.addAppender(capture);
    }

    private static void createSupportRedisUser() throws IOException {
        String line = null;
        try (InputStream in = SecretsNeverLeakTest.class.getResourceAsStream("/redis/cascade-ops-acl.txt")) {
            boolean inRole = false;
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (l.startsWith("# role: ")) inRole = l.startsWith("# role: support:");
                else if (inRole && l.startsWith("ACL SETUSER ") && line == null) line = l.strip();
            }
        }
        String[] words = line.replace("{user}", REDIS_USER).replace("{password}", REDIS_PASSWORD).split("\\s+");
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8);
        for (int i = 1; i < words.length; i++) args.add(words[i]);
        redisAdmin.run("creating the ACL user", c -> c.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), args));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
