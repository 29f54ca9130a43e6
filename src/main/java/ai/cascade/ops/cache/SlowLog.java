package ai.cascade.ops.cache;

import ai.cascade.ops.backend.BackendException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recent slow commands of every master (issue #6, item 7): {@code SLOWLOG GET} and the thresholds that decide what
 * is logged. Arguments are shown safely: passwords masked, JWT ids in key names masked, values written to
 * session and blacklist keys hidden, binary escaped, long ones shortened. SLOWLOG and CONFIG GET are no keyspace
 * lookups: reading them leaves hit rates untouched.
 */
public final class SlowLog {
    /** Entries asked of each master; Redis keeps 128 by default. */
    public static final int ENTRIES = 128;
    /** Characters of one argument shown; the rest is summarised. */
    static final int SHOWN_CHARS = 120;
    public static final String MASK = "••••";
    /** What Redis 7 itself puts in place of some secrets; kept as it is. */
    static final String REDACTED = "(redacted)";
    public static final String CONSOLE_CLIENT_PREFIX = "cascade-ops";

    /** A master's thresholds; null where CONFIG GET was refused or failed, with the reason in {@code unknownReason}. */
    public record Settings(String node, Long slowerThanMicros, Long maxLength, String unknownReason) {
        /** "commands slower than 10 ms", "every command", "nothing (logging is off)", or why it is unknown. */
        public String describe() {
            if (slowerThanMicros == null) return "unknown: " + unknownReason;
            String what = slowerThanMicros < 0 ? "nothing (slowlog-log-slower-than is negative: logging is off)"
                    : slowerThanMicros == 0 ? "every command (slowlog-log-slower-than is 0)"
                    : "commands slower than " + millis(slowerThanMicros) + " (slowlog-log-slower-than " + slowerThanMicros + " µs)";
            return "logs " + what + (maxLength == null ? "" : ", keeping the last " + maxLength);
        }
    }

    /**
     * Slow commands of every master, newest first.
     *
     * @param notes masters whose slowlog could not be read, and why (the others are still shown)
     */
    public record Report(List<SlowCommand> commands, List<Settings> settings, Instant readAt, List<String> notes) {
        public Report {
            commands = List.copyOf(commands);
            settings = List.copyOf(settings);
            notes = List.copyOf(notes);
        }
    }

    private final RedisKeyspace keyspace;

    public SlowLog(RedisKeyspace keyspace) {
        this.keyspace = keyspace;
    }

    /** Reads every master's slowlog and thresholds; throws BackendException only when no master answered. */
    public Report read() {
        List<SlowCommand> commands = new ArrayList<>();
        List<Settings> settings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        BackendException first = null;
        List<RedisNode> masters = keyspace.topology().masters();
        for (RedisNode node : masters) {
            try {
                List<Object> raw = keyspace.redis().runBytes(node, "reading the slowlog", c -> c.slowlogGet(ENTRIES));
                for (Object entry : raw) if (entry instanceof List<?> fields) commands.add(parse(node.id(), fields));
                settings.add(settings(node));
            } catch (BackendException e) {
                if (first == null) first = e;
                notes.add(e.getMessage());
            }
        }
        if (first != null && notes.size() == masters.size()) throw first;
        commands.sort(Comparator.comparing(SlowCommand::at).thenComparingLong(SlowCommand::id).reversed());
        return new Report(commands, settings, Instant.now(), notes);
    }

    private Settings settings(RedisNode node) {
        try {
            // One parameter per CONFIG GET: Redis before 7 takes no more.
            Long slower = number(keyspace.redis().runBytes(node, "reading slowlog-log-slower-than",
                    c -> c.configGet("slowlog-log-slower-than")).get("slowlog-log-slower-than"));
            Long max = number(keyspace.redis().runBytes(node, "reading slowlog-max-len",
                    c -> c.configGet("slowlog-max-len")).get("slowlog-max-len"));
            return new Settings(node.id(), slower, max, slower == null ? "the server did not say" : null);
        } catch (BackendException e) {
            boolean refused = e.getMessage().contains("NOPERM") || e.getMessage().contains("lacks the permission");
            return new Settings(node.id(), null, null, refused ? "not allowed for this user (CONFIG GET)" : e.getMessage());
        }
    }

    private static Long number(String s) {
        try {
            return s == null ? null : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** One SLOWLOG GET entry: id, unix time, µs, arguments, and since Redis 4 client address and name. */
    static SlowCommand parse(String node, List<?> f) {
        long id = f.size() > 0 && f.get(0) instanceof Long l ? l : 0;
        long at = f.size() > 1 && f.get(1) instanceof Long l ? l : 0;
        long micros = f.size() > 2 && f.get(2) instanceof Long l ? l : 0;
        List<byte[]> args = new ArrayList<>();
        if (f.size() > 3 && f.get(3) instanceof List<?> a) for (Object o : a) args.add(bytes(o));
        String client = f.size() > 4 ? KeyText.escaped(bytes(f.get(4))) : "";
        String name = f.size() > 5 ? KeyText.escaped(bytes(f.get(5))) : "";
        return new SlowCommand(node, id, Instant.ofEpochSecond(at), micros, client, name, shownArguments(args),
                name.startsWith(CONSOLE_CLIENT_PREFIX));
    }

    private static byte[] bytes(Object o) {
        if (o instanceof byte[] b) return b;
        return o == null ? new byte[0] : String.valueOf(o).getBytes(StandardCharsets.UTF_8);
    }

    // ---- showing arguments safely ----

    private static final Set<String> SECRET_CONFIG = Set.of("requirepass", "masterauth", "masteruser",
            "tls-key-file-pass", "tls-client-key-file-pass");
    /** Commands whose value to a key sits at a fixed position. */
    private static final Map<String, Integer> VALUE_AT = Map.of("SET", 2, "SETNX", 2, "GETSET", 2, "APPEND", 2,
            "SETEX", 3, "PSETEX", 3, "SETRANGE", 3, "RESTORE", 3);
    /** Commands that read or expire a key and carry no value: nothing after the key is hidden. */
    private static final Set<String> NO_VALUE = Set.of("GET", "GETDEL", "GETEX", "TTL", "PTTL", "TYPE", "EXISTS", "DEL",
            "UNLINK", "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT", "PERSIST", "STRLEN", "GETRANGE", "OBJECT", "MEMORY",
            "DUMP", "TOUCH", "RENAME", "RENAMENX", "COPY", "MGET", "HGETALL", "HGET", "HMGET", "HKEYS", "HLEN", "LRANGE",
            "LLEN", "SMEMBERS", "SCARD", "ZRANGE", "ZCARD", "XRANGE", "XLEN", "SCAN", "SSCAN", "HSCAN", "ZSCAN", "WATCH");
    private static final Set<String> SCRIPTS = Set.of("EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO");
    private static final Set<String> OPTION_WORDS = Set.of("EX", "PX", "EXAT", "PXAT", "NX", "XX", "KEEPTTL", "GET",
            "CH", "INCR", "GT", "LT", "REPLACE", "ABSTTL", "IDLETIME", "FREQ");
    /** Redis shortens an argument over 128 bytes to its start and "... (N more bytes)". */
    private static final Pattern SHORTENED = Pattern.compile("\\.\\.\\. \\((\\d+) more bytes\\)$");

    /** The arguments of a logged command as a person may see them. */
    static List<String> shownArguments(List<byte[]> args) {
        int n = args.size();
        String[] out = new String[n];
        if (n == 0) return List.of();
        String cmd = upper(args.get(0));
        maskSecrets(cmd, args, out);
        hideCredentialValues(cmd, args, out);
        for (int i = 0; i < n; i++) if (out[i] == null) out[i] = shortened(KeyText.shown(args.get(i)));
        return List.of(out);
    }

    private static void maskSecrets(String cmd, List<byte[]> args, String[] out) {
        int n = args.size();
        switch (cmd) {
            case "AUTH" -> {
                if (n == 3) mask(args, out, 2);   // AUTH user password: the user name is no secret
                else for (int i = 1; i < n; i++) mask(args, out, i);
            }
            case "MASTERAUTH" -> { for (int i = 1; i < n; i++) mask(args, out, i); }
            case "HELLO" -> {
                for (int i = 1; i < n; i++) if (is(args, i, "AUTH")) { mask(args, out, i + 2); i += 2; }
            }
            case "MIGRATE" -> {
                for (int i = 1; i < n; i++) {
                    if (is(args, i, "KEYS")) break;   // what follows are key names
                    if (is(args, i, "AUTH")) mask(args, out, ++i);
                    else if (is(args, i, "AUTH2")) { i += 2; mask(args, out, i); }
                }
            }
            case "CONFIG" -> {
                if (n > 1 && is(args, 1, "SET"))
                    for (int i = 2; i + 1 < n; i += 2)
                        if (SECRET_CONFIG.contains(upper(args.get(i)).toLowerCase(Locale.ROOT))) mask(args, out, i + 1);
            }
            case "ACL" -> {
                if (n > 1 && is(args, 1, "SETUSER"))
                    for (int i = 3; i < n; i++) {
                        byte[] rule = args.get(i);
                        if (rule.length > 0 && (rule[0] == '>' || rule[0] == '<' || rule[0] == '#' || rule[0] == '!'))
                            out[i] = redacted(rule) ? REDACTED : (char) rule[0] + MASK;
                    }
            }
            default -> { }
        }
    }

    private static void hideCredentialValues(String cmd, List<byte[]> args, String[] out) {
        int n = args.size();
        if ("MSET".equals(cmd) || "MSETNX".equals(cmd)) {
            for (int i = 1; i + 1 < n; i += 2) if (credential(args.get(i))) hide(args, out, i + 1);
            return;
        }
        if (SCRIPTS.contains(cmd)) {
            Long numkeys = n > 2 ? number(upper(args.get(2))) : null;
            int keys = numkeys == null ? 0 : (int) Math.max(0, Math.min(n - 3, numkeys));
            boolean touches = false;
            for (int i = 3; i < 3 + keys; i++) touches |= credential(args.get(i));
            if (touches) for (int i = 3 + keys; i < n; i++) hide(args, out, i);
            return;
        }
        if (n < 3 || !credential(args.get(1)) || NO_VALUE.contains(cmd)) return;
        Integer at = VALUE_AT.get(cmd);
        if (at != null) {
            if (at < n) hide(args, out, at);
            return;
        }
        // Any other write to a session or blacklist key (HSET, LPUSH, ...): hide all but option words and numbers.
        for (int i = 2; i < n; i++)
            if (!OPTION_WORDS.contains(upper(args.get(i))) && number(upper(args.get(i))) == null) hide(args, out, i);
    }

    private static boolean credential(byte[] key) {
        return KeyFamilies.holdsCredentials(KeyFamilies.of(key));
    }

    private static void mask(List<byte[]> args, String[] out, int i) {
        if (i < args.size()) out[i] = redacted(args.get(i)) ? REDACTED : MASK;
    }

    private static void hide(List<byte[]> args, String[] out, int i) {
        if (out[i] == null) out[i] = "(value hidden: " + loggedLength(args.get(i)) + " bytes)";
    }

    /** The value's length before Redis shortened it for the slowlog. */
    static long loggedLength(byte[] arg) {
        String tail = new String(arg, Math.max(0, arg.length - 40), Math.min(40, arg.length), StandardCharsets.ISO_8859_1);
        Matcher m = SHORTENED.matcher(tail);
        if (m.find()) {
            int kept = arg.length - (tail.length() - m.start());
            return kept + Long.parseLong(m.group(1));
        }
        return arg.length;
    }

    private static String shortened(String s) {
        if (s.length() <= SHOWN_CHARS) return s;
        return s.substring(0, SHOWN_CHARS) + "… (" + s.length() + " characters)";
    }

    private static boolean redacted(byte[] arg) {
        return REDACTED.equals(new String(arg, StandardCharsets.ISO_8859_1));
    }

    private static boolean is(List<byte[]> args, int i, String word) {
        return i < args.size() && word.equals(upper(args.get(i)));
    }

    private static String upper(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
    }

    private static String millis(long micros) {
        return micros % 1000 == 0 ? micros / 1000 + " ms" : String.format(Locale.ROOT, "%.3f ms", micros / 1000.0);
    }
}
