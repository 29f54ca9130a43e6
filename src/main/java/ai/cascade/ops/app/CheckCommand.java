package ai.cascade.ops.app;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Verdict;
import ai.cascade.ops.billing.StripeAccess;
import ai.cascade.ops.config.AppDirectories;
import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.config.Settings;
import ai.cascade.ops.config.SettingsStore;
import ai.cascade.ops.overview.HealthChecks;
import ai.cascade.ops.ui.Problems;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * {@code cascade-ops check [--profile NAME] [--json] [--timeout SECONDS]}: the overview's health checks from the
 * command line, for cron and monitoring. No window, no demo; the run ends within the timeout.
 * Exit codes follow the worst verdict: 0 ok, 1 warning (or a check that could not tell), 2 critical,
 * 3 unreachable — and 3 as well when nothing could be checked (no profile, an unknown profile), as
 * monitoring plugins use 3 for "unknown"; 64 (EX_USAGE) for arguments it does not understand.
 */
final class CheckCommand {
    static final int COULD_NOT_CHECK = 3;
    static final int DEFAULT_TIMEOUT_SECONDS = 30;
    /** Of the timeout, what closing the connections may take after the checks' deadline. */
    private static final long CLOSING_MILLIS = 2_000;
    static final String USAGE = """
            Usage: cascade-ops check [--profile NAME] [--json] [--timeout SECONDS]
              Runs every health check of Postgres, Redis, Venice and Stripe once and prints them, worst first.
              --profile NAME       a saved profile (default: DATABASE_URL etc. when set, else the active profile)
              --json               one JSON document on stdout instead of the table
              --timeout SECONDS    bound on the whole run (default 30)
            Exit code: 0 ok, 1 warning, 2 critical, 3 unreachable or nothing checked, 64 bad arguments.
            Logs go to the log file, never to stdout.""";
    private static final CommandLine.Syntax SYNTAX = new CommandLine.Syntax("check", USAGE, DEFAULT_TIMEOUT_SECONDS, 3600, Set.of());

    private CheckCommand() {}

    /** The launcher's entry: the user's settings and environment, stdout and stderr. */
    static int run(String[] args) {
        CommandLine.logToTheFileOnly();
        SettingsStore store = new SettingsStore(AppDirectories.forUser().settingsFile());
        return run(args, System.getenv(), store, System.out, System.err);
    }

    /** The command itself, with everything it reads and writes passed in (tests run it in-process). */
    static int run(String[] args, Map<String, String> env, SettingsStore store, PrintStream out, PrintStream err) {
        return CommandLine.run(args, SYNTAX, out, err, a -> check(a, env, store, out, err));
    }

    /** The profile's checks, printed worst first; the exit code is the worst verdict's (3 when nothing could be checked). */
    private static int check(CommandLine.Options a, Map<String, String> env, SettingsStore store, PrintStream out, PrintStream err) {
        Settings settings = store.load();
        store.loadProblem().ifPresent(err::println);
        Instant checkedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        CommandLine.Choice choice = choose(a.profile(), settings, env, store);
        if (choice.profile() == null) {
            err.println(choice.problem());
            if (a.json()) out.print(notChecked(a.profile(), checkedAt, choice.problem()));
            return COULD_NOT_CHECK;
        }
        ConnectionProfile profile = choice.profile();
        UnaryOperator<String> safe = CommandLine.redaction(profile);
        List<Check> checks;
        try {
            checks = runChecks(profile, settings.checkThresholds, a.timeoutSeconds());
        } catch (RuntimeException e) {
            String problem = safe.apply("The checks of profile \"" + profile.name() + "\" could not run: " + Problems.describe(e));
            err.println(problem);
            if (a.json()) out.print(notChecked(profile.name(), checkedAt, problem));
            return COULD_NOT_CHECK;
        }
        checks = checks.stream().sorted(Check.WORST_FIRST).map(c -> redacted(c, safe)).toList();
        Verdict worst = checks.stream().map(Check::verdict).reduce(Verdict.OK, Verdict::worse);
        out.print(a.json() ? json(profile.name(), checkedAt, worst, checks) : table(profile.name(), checkedAt, worst, checks));
        out.flush();
        return worst.exitCode();
    }

    private static CommandLine.Choice choose(String name, Settings settings, Map<String, String> env, SettingsStore store) {
        String howToConfigure = "Open CASCADE Ops, add a profile under File → Connections and make it active, then run check again "
                + "(or pass --profile NAME, or set DATABASE_URL, REDIS_URL, VENICE_API_URL, STRIPE_API_KEY). "
                + "The demo runs only inside the app. Settings file: " + store.file();
        return CommandLine.choose(name, settings, env, howToConfigure,
                "Nothing to check: no profile is active and no DATABASE_URL, REDIS_URL, VENICE_API_URL or STRIPE_API_KEY is set.",
                "The demo cannot be checked from the command line: its servers run only inside the app.");
    }

    /**
     * Builds the profile's clients as the app does (no monitoring), runs every check within the timeout and
     * closes them. A server that does not answer becomes an UNREACHABLE line at the deadline, not a hang.
     */
    private static List<Check> runChecks(ConnectionProfile profile, CheckThresholds thresholds, int timeoutSeconds) {
        long budget = Math.max(1_000, timeoutSeconds * 1_000L - CLOSING_MILLIS);
        long start = System.nanoTime();
        Workspace workspace = new Workspace(profile, StripeAccess.LIVE_API_BASE);
        try {
            if (profile.hasRedis()) CommandLine.within(Math.min(5_000, budget / 3), "ops-check-connect", () -> connectRedis(workspace));
            long left = budget - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return new HealthChecks(workspace, thresholds, Math.max(1_000, left)).runAll(CancelSignal.NONE);
        } finally {
            CommandLine.within(CLOSING_MILLIS, "ops-check-close", workspace::close);
        }
    }

    /**
     * In the app the monitor has Redis connected before the overview runs its checks; in a fresh process the
     * first PING would also time the client's start (3–5 s of class loading on a small machine) and call a
     * healthy Redis slow. A failure here is left to the checks, which report it.
     */
    private static void connectRedis(Workspace workspace) {
        try {
            workspace.redis().run("connecting", c -> c.ping());
        } catch (RuntimeException e) {
            // the Redis checks say why
        }
    }

    private static String json(String profile, Instant checkedAt, Verdict worst, List<Check> checks) {
        JsonObject doc = new JsonObject();
        doc.addProperty("profile", profile);
        doc.addProperty("checkedAt", checkedAt.toString());
        doc.addProperty("verdict", worst.label());
        doc.addProperty("exitCode", worst.exitCode());
        JsonArray list = new JsonArray();
        for (Check c : checks) {
            JsonObject o = new JsonObject();
            o.addProperty("backend", c.backend().name().toLowerCase());
            o.addProperty("id", c.id());
            o.addProperty("title", c.title());
            o.addProperty("verdict", c.verdict().label());
            o.addProperty("figure", c.figure());
            o.addProperty("advice", c.advice());
            JsonArray details = new JsonArray();
            c.details().forEach(details::add);
            o.add("details", details);
            list.add(o);
        }
        doc.add("checks", list);
        return CommandLine.json(doc);
    }

    /** With --json, scripts get a document even when nothing was checked: no verdict, exit code 3 and why. */
    private static String notChecked(String profile, Instant checkedAt, String problem) {
        JsonObject doc = new JsonObject();
        doc.addProperty("profile", profile);
        doc.addProperty("checkedAt", checkedAt.toString());
        doc.add("verdict", JsonNull.INSTANCE);
        doc.addProperty("exitCode", COULD_NOT_CHECK);
        doc.addProperty("problem", problem);
        doc.add("checks", new JsonArray());
        return CommandLine.json(doc);
    }

    /** One line per check, aligned; the advice and the offending items of a check that is not OK beneath it. */
    private static String table(String profile, Instant checkedAt, Verdict worst, List<Check> checks) {
        int backendWidth = width(checks.stream().map(c -> c.backend().label()), "BACKEND");
        int titleWidth = Math.min(40, width(checks.stream().map(Check::title), "CHECK"));
        String row = "%-12s %-" + backendWidth + "s %-" + titleWidth + "s %s%n";
        String indent = " ".repeat(13 + backendWidth + 1);
        StringBuilder s = new StringBuilder();
        s.append("CASCADE Ops checks of profile \"").append(profile).append("\" at ").append(checkedAt)
                .append(": ").append(worst.label().toUpperCase()).append(" (exit ").append(worst.exitCode()).append(")\n\n");
        s.append(String.format(row, "VERDICT", "BACKEND", "CHECK", "FIGURE"));
        for (Check c : checks) {
            s.append(String.format(row, c.verdict().label().toUpperCase(), c.backend().label(), c.title(), c.figure()));
            if (c.verdict() == Verdict.OK) continue;
            if (!c.advice().isEmpty()) s.append(indent).append("→ ").append(c.advice()).append('\n');
            int shown = Math.min(5, c.details().size());
            for (String d : c.details().subList(0, shown)) s.append(indent).append("  · ").append(d).append('\n');
            if (c.details().size() > shown) s.append(indent).append("  … and ").append(c.details().size() - shown).append(" more\n");
        }
        return s.toString();
    }

    private static int width(java.util.stream.Stream<String> values, String header) {
        return Math.max(header.length(), values.mapToInt(String::length).max().orElse(0));
    }

    private static Check redacted(Check c, UnaryOperator<String> safe) {
        return new Check(c.backend(), c.id(), safe.apply(c.title()), c.verdict(), safe.apply(c.figure()), safe.apply(c.advice()),
                c.section(), c.details().stream().map(safe).toList());
    }
}
