package ai.cascade.ops.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The inventory benchmark's keyspace (issue #6), written as RESP commands to stdout for {@code redis-cli --pipe}
 * (the fastest way to load a million keys). Seeded, so every run fills the same keys; the TTLs are relative to the
 * fill, so the short-lived families expire while the benchmark runs, as they would in production:
 * <ul>
 *   <li>contract families (DATA-MODEL.md): sessions (hours to days, a few without TTL: a leak), blacklisted token
 *   ids (30 s to a day), rate-limit counters (a 15-minute window), consciousness patterns and Venice responses over
 *   eight endpoints (300 s caches written over the last 300 s: remaining TTL 10–300 s; a few without TTL)</li>
 *   <li>"other": plain strings, hashes, lists, sets, sorted sets, streams, binary and glob-character key names,
 *   a 200,000-element list, a 100,000-field hash and five 10 MB values</li>
 * </ul>
 * The manifest (args[1]) says per family how many keys were written, how many of them outlive the benchmark (no
 * TTL, or one over an hour) and how many have no TTL: an oracle for the inventory's figures that does not come
 * from Redis.
 * <p>Usage: {@code KeyFiller <keys> <manifest-file>} (keys at least 100,000).
 */
public final class KeyFiller {
    /** Venice endpoints (VENICE-API.md) and their share of the Venice keys. */
    private static final String[] ENDPOINTS = {"get-ledger", "citizens", "activities", "relevancies", "buildings",
            "contracts", "problems", "lands"};
    private static final int[] ENDPOINT_WEIGHTS = {24, 24, 16, 12, 8, 8, 4, 4};
    private static final long HOUR_MS = 3_600_000L;
    private static final int BIG_VALUES = 5;
    private static final int BIG_VALUE_BYTES = 10 * 1024 * 1024;

    private final RespOut out;
    private final Random random = new Random(20_261_125L);
    private final Map<String, long[]> manifest = new LinkedHashMap<>();   // family -> {written, outliving, without TTL}
    private long keys;

    private KeyFiller(RespOut out) { this.out = out; }

    public static void main(String[] args) throws IOException {
        long total = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
        Path manifestFile = Path.of(args.length > 1 ? args[1] : "inventory-manifest.txt");
        if (total < 100_000) throw new IllegalArgumentException("at least 100,000 keys");
        long start = System.nanoTime();
        KeyFiller filler;
        try (RespOut out = new RespOut(new BufferedOutputStream(System.out, 1 << 20))) {
            filler = new KeyFiller(out);
            filler.fill(total);
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(manifestFile))) {
            w.println("# family, keys written, keys outliving the benchmark (no TTL or over an hour), keys without TTL");
            filler.manifest.forEach((f, c) -> w.println(f + "\t" + c[0] + "\t" + c[1] + "\t" + c[2]));
        }
        System.err.printf("filler: %,d keys generated in %.1f s (%,d families); manifest %s%n", filler.keys,
                (System.nanoTime() - start) / 1e9, filler.manifest.size(), manifestFile);
    }

    private void fill(long total) throws IOException {
        long sessions = total / 4;            // 25 %
        long blacklist = total * 8 / 100;     //  8 %
        long ratelimit = total / 10;          // 10 %
        long patterns = total * 4 / 100;      //  4 %
        long venice = total / 5;              // 20 %
        sessions(sessions);
        blacklist(blacklist);
        ratelimits(ratelimit);
        patterns(patterns);
        venice(venice);
        other(total - keys, total);
    }

    private void sessions(long n) throws IOException {
        for (long i = 0; i < n; i++) {
            long user = 100_000 + i;
            String jti = uuid();
            long exp = 1_795_000_000L + random.nextInt(604_800);
            String json = "{\"user_id\":" + user + ",\"venice_username\":\"Citizen_" + user + "\",\"jti\":\"" + jti
                    + "\",\"exp\":" + exp + ",\"created_at\":\"2026-11-25T08:" + two(i % 60) + ":00Z\",\"last_seen\":\"2026-11-25T19:"
                    + two(i % 60) + ":" + two(i % 59) + "Z\",\"ip\":\"10." + (i % 250) + "." + (i / 250 % 250) + "." + (i % 7)
                    + "\",\"user_agent\":\"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36\"}";
            // 1 in 250 sessions written without TTL: the leak a family view must find
            long ttl = i % 250 == 0 ? 0 : HOUR_MS + (long) (random.nextDouble() * 6 * 24 * HOUR_MS);
            string("cascade:session:", "cascade:session:" + user, json, ttl);
        }
    }

    private void blacklist(long n) throws IOException {
        for (long i = 0; i < n; i++) {
            String json = "{\"revoked_at\":\"2026-11-25T18:" + two(i % 60) + ":00Z\",\"by\":\"ops:support" + (i % 5)
                    + "\",\"reason\":\"" + (i % 3 == 0 ? "password reset" : "revoked by support") + "\"}";
            long ttl = 30_000 + (long) (random.nextDouble() * 24 * HOUR_MS);   // the token's remaining lifetime
            string("cascade:blacklist:", "cascade:blacklist:" + uuid(), json, ttl);
        }
    }

    private void ratelimits(long n) throws IOException {
        for (long i = 0; i < n; i++) {
            long ttl = 5_000 + (long) (random.nextDouble() * 895_000);   // what is left of a 15-minute window
            string("cascade:ratelimit:", "cascade:ratelimit:" + (200_000 + i), Integer.toString(1 + random.nextInt(120)), ttl);
        }
    }

    private void patterns(long n) throws IOException {
        for (long i = 0; i < n; i++) {
            StringBuilder json = new StringBuilder("{\"pattern_id\":").append(i).append(",\"pattern_type\":\"")
                    .append(i % 2 == 0 ? "economic_cycle" : "social_network").append("\",\"venice_source\":\"/api/activities\",\"signals\":[");
            int signals = 5 + random.nextInt(20);
            for (int s = 0; s < signals; s++)
                json.append(s == 0 ? "" : ",").append("{\"citizen\":\"Citizen_").append(random.nextInt(100_000))
                        .append("\",\"weight\":").append(random.nextInt(1000) / 1000.0).append('}');
            json.append("]}");
            string("cascade:patterns:", "cascade:patterns:" + i, json.toString(), cacheTtl(i));
        }
    }

    private void venice(long n) throws IOException {
        int weights = Arrays.stream(ENDPOINT_WEIGHTS).sum();
        for (long i = 0; i < n; i++) {
            int pick = (int) (i % weights);
            int e = 0;
            while (pick >= ENDPOINT_WEIGHTS[e]) pick -= ENDPOINT_WEIGHTS[e++];
            String endpoint = ENDPOINTS[e];
            String key = "cascade:venice:" + endpoint + ":" + (e % 2 == 0 ? "username=Citizen_" + i : "id=" + i + "&limit=50");
            StringBuilder body = new StringBuilder("{\"success\":true,\"").append(endpoint).append("\":[");
            int items = 1 + random.nextInt(6);
            for (int k = 0; k < items; k++)
                body.append(k == 0 ? "" : ",").append("{\"id\":\"").append(endpoint).append('_').append(i).append('_').append(k)
                        .append("\",\"owner\":\"Citizen_").append(random.nextInt(100_000)).append("\",\"ducats\":")
                        .append(random.nextInt(1_000_000)).append(",\"updatedAt\":\"2026-11-25T19:00:00Z\"}");
            body.append("]}");
            string("cascade:venice:" + endpoint + ":", key, body.toString(), i % 400 == 0 ? 0 : cacheTtl(i));
        }
    }

    /** A 300 s cache written at a steady rate over the last 300 s: 10 to 300 s left. */
    private long cacheTtl(long i) {
        return 10_000 + (long) (random.nextDouble() * 290_000);
    }

    private void other(long n, long total) throws IOException {
        long big = 2 + BIG_VALUES;   // the big list, the big hash and the 10 MB values
        long binary = total / 1_000, streams = total / 2_000, sets = total / 200, zsets = total / 200, lists = total / 50,
                hashes = total / 20;
        long strings = n - big - binary - streams - sets - zsets - lists - hashes;
        if (strings < 0) throw new IllegalStateException("too few keys left for 'other'");
        byte[] blob = new byte[BIG_VALUE_BYTES];
        random.nextBytes(blob);
        for (int i = 0; i < BIG_VALUES; i++) {
            blob[0] = (byte) i;
            record("other", 0);
            out.command(bytes("SET"), bytes("blob:export:" + i), blob);
        }
        bigList();
        bigHash();
        for (long i = 0; i < strings; i++) {
            String key = switch ((int) (i % 4)) {
                case 0 -> "celery-task-meta-" + uuid();
                case 1 -> "app:feature:" + i;
                case 2 -> "web:page-cache:/citizens/Citizen_" + i;
                default -> "counter:visits:" + i;
            };
            long ttl = i % 4 == 0 ? 24 * HOUR_MS + random.nextInt(1_000_000) : i % 4 == 2 ? 2 * HOUR_MS : 0;
            string("other", key, i % 4 == 3 ? Long.toString(i) : "{\"status\":\"SUCCESS\",\"result\":" + i + "}", ttl);
        }
        for (long i = 0; i < hashes; i++) {
            int fields = 5 + random.nextInt(16);
            byte[][] args = new byte[2 + 2 * fields][];
            args[0] = bytes("HSET");
            args[1] = bytes("user:" + i + ":prefs");
            for (int f = 0; f < fields; f++) {
                args[2 + 2 * f] = bytes("pref_" + f);
                args[3 + 2 * f] = bytes(Integer.toString(random.nextInt(100_000)));
            }
            record("other", 0);
            out.command(args);
        }
        for (long i = 0; i < lists; i++) collection("RPUSH", "queue:jobs:" + i, 5 + random.nextInt(46), false);
        for (long i = 0; i < sets; i++) collection("SADD", "guild:" + i + ":members", 3 + random.nextInt(30), false);
        for (long i = 0; i < zsets; i++) collection("ZADD", "leaderboard:" + i, 10 + random.nextInt(40), true);
        for (long i = 0; i < streams; i++) {
            record("other", 0);
            for (int k = 0; k < 10; k++)
                out.command(bytes("XADD"), bytes("events:" + i), bytes("*"), bytes("kind"), bytes("login"), bytes("n"), bytes(Integer.toString(k)));
        }
        for (long i = 0; i < binary; i++) {
            // names a careless tool breaks on: glob characters, a newline, bytes that are not UTF-8
            byte[] key = switch ((int) (i % 3)) {
                case 0 -> bytes("odd:*?[]\\:" + i);
                case 1 -> bytes("odd:line\nbreak:" + i);
                default -> {
                    byte[] k = bytes("odd:bin:\u0000\u0000:" + i);
                    k[8] = (byte) 0xC3;
                    k[9] = (byte) 0x28;   // an invalid UTF-8 sequence
                    yield k;
                }
            };
            record("other", 0);
            out.command(bytes("SET"), key, new byte[]{(byte) 0xFF, (byte) 0xFE, 0, 1, 2});
        }
    }

    private void bigList() throws IOException {
        record("other", 0);
        for (int chunk = 0; chunk < 200; chunk++) {
            byte[][] args = new byte[2 + 1_000][];
            args[0] = bytes("RPUSH");
            args[1] = bytes("queue:backlog");
            for (int k = 0; k < 1_000; k++) args[2 + k] = bytes("job-" + chunk + "-" + k);
            out.command(args);
        }
    }

    private void bigHash() throws IOException {
        record("other", 0);
        for (int chunk = 0; chunk < 100; chunk++) {
            byte[][] args = new byte[2 + 2 * 1_000][];
            args[0] = bytes("HSET");
            args[1] = bytes("index:citizens-by-name");
            for (int k = 0; k < 1_000; k++) {
                args[2 + 2 * k] = bytes("Citizen_" + chunk + "_" + k);
                args[3 + 2 * k] = bytes(Integer.toString(chunk * 1_000 + k));
            }
            out.command(args);
        }
    }

    private void collection(String command, String key, int members, boolean scored) throws IOException {
        byte[][] args = new byte[2 + members * (scored ? 2 : 1)][];
        args[0] = bytes(command);
        args[1] = bytes(key);
        int a = 2;
        for (int m = 0; m < members; m++) {
            if (scored) args[a++] = bytes(Integer.toString(random.nextInt(10_000)));
            args[a++] = bytes("member-" + m);
        }
        record("other", 0);
        out.command(args);
    }

    private void string(String family, String key, String value, long ttlMillis) throws IOException {
        record(family, ttlMillis);
        if (ttlMillis > 0) out.command(bytes("SET"), bytes(key), bytes(value), bytes("PX"), bytes(Long.toString(ttlMillis)));
        else out.command(bytes("SET"), bytes(key), bytes(value));
    }

    private void record(String family, long ttlMillis) {
        long[] c = manifest.computeIfAbsent(family, f -> new long[3]);
        c[0]++;
        if (ttlMillis == 0 || ttlMillis > HOUR_MS) c[1]++;
        if (ttlMillis == 0) c[2]++;
        keys++;
    }

    private String uuid() {
        return new java.util.UUID(random.nextLong(), random.nextLong()).toString();
    }

    private static String two(long n) { return n < 10 ? "0" + n : Long.toString(n); }

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    /** RESP arrays of bulk strings, as redis-cli --pipe reads them. */
    private static final class RespOut implements AutoCloseable {
        private final OutputStream out;

        RespOut(OutputStream out) { this.out = out; }

        void command(byte[]... args) throws IOException {
            header('*', args.length);
            for (byte[] a : args) {
                header('$', a.length);
                out.write(a);
                out.write('\r');
                out.write('\n');
            }
        }

        private void header(char kind, int n) throws IOException {
            out.write(kind);
            out.write(Integer.toString(n).getBytes(StandardCharsets.US_ASCII));
            out.write('\r');
            out.write('\n');
        }

        @Override
        public void close() throws IOException { out.flush(); }
    }
}
