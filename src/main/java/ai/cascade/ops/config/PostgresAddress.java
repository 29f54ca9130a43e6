package ai.cascade.ops.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Postgres location as the backend writes it in DATABASE_URL (a libpq URI,
 * {@code postgresql://user:pass@host:port/db?sslmode=require}), turned into what pgjdbc needs.
 * A JDBC URL ({@code jdbc:postgresql://...}) is accepted too.
 */
public record PostgresAddress(String host, int port, String database, String user, String password,
                              Map<String, String> parameters) {

    /** libpq parameters that mean the same to pgjdbc; others are ignored rather than passed on blindly. */
    private static final java.util.Set<String> PASSED_ON = java.util.Set.of(
            "sslmode", "sslrootcert", "sslcert", "sslkey", "application_name", "options", "connect_timeout");

    public static PostgresAddress parse(String url) throws InvalidSettingException {
        if (url == null || url.isBlank()) throw new InvalidSettingException("The Postgres URL is empty.");
        String s = url.strip();
        if (s.startsWith("jdbc:")) s = s.substring(5);
        String rest;
        if (s.startsWith("postgresql://")) rest = s.substring("postgresql://".length());
        else if (s.startsWith("postgres://")) rest = s.substring("postgres://".length());
        else throw new InvalidSettingException(
                "The Postgres URL must start with postgresql:// (for example postgresql://user:password@host:5432/cascade)"
                        + schemeOf(s));

        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) { query = rest.substring(q + 1); rest = rest.substring(0, q); }
        String user = "", password = "";
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String info = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? "" : decode(info.substring(colon + 1));
        }
        String hostPort = rest, database = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) { hostPort = rest.substring(0, slash); database = decode(rest.substring(slash + 1)); }
        String host = hostPort;
        int port = 5432;
        if (hostPort.startsWith("[")) { // IPv6 literal
            int close = hostPort.indexOf(']');
            if (close < 0) throw new InvalidSettingException("The Postgres URL has an unclosed IPv6 address: [" );
            host = hostPort.substring(0, close + 1);
            if (hostPort.length() > close + 1) port = parsePort(hostPort.substring(close + 1));
        } else {
            int colon = hostPort.lastIndexOf(':');
            if (colon >= 0) { host = hostPort.substring(0, colon); port = parsePort(hostPort.substring(colon)); }
        }
        if (host.isEmpty()) host = "localhost";
        if (!host.matches("[A-Za-z0-9._\\-\\[\\]:%]+"))
            // A ':' outside [IPv6] means user:password text ended up here (an unencoded '?', '#' or '/' in it): not echoed.
            throw new InvalidSettingException(host.contains(":") && !host.startsWith("[")
                    ? "The Postgres URL's host is not a valid host name. If the password has special characters, encode them as %XX."
                    : "The Postgres host \"" + host + "\" is not a valid host name.");
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (k.equals("user") && user.isEmpty()) user = v;
            else if (k.equals("password") && password.isEmpty()) password = v;
            else if (PASSED_ON.contains(k)) params.put(k, v);
        }
        if (database.isEmpty()) database = user.isEmpty() ? "postgres" : user;
        return new PostgresAddress(host, port, database, user, password, Map.copyOf(params));
    }

    /** The JDBC URL without credentials: they travel as connection properties, so they never appear in a URL we log. */
    public String jdbcUrl() {
        StringBuilder b = new StringBuilder("jdbc:postgresql://").append(host).append(':').append(port).append('/')
                .append(java.net.URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20"));
        return b.toString();
    }

    /** For messages: host:port/database, nothing secret. */
    public String describe() {
        return host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return "PostgresAddress[" + (user.isEmpty() ? "" : user + "@") + describe() + "]";
    }

    private static int parsePort(String withColon) throws InvalidSettingException {
        String p = withColon.startsWith(":") ? withColon.substring(1) : withColon;
        try {
            int port = Integer.parseInt(p);
            if (port < 1 || port > 65535) throw new NumberFormatException();
            return port;
        } catch (NumberFormatException e) {
            // Only digits are echoed: other text here is often the head of a password with an unencoded '?' or '/'.
            String shown = p.matches("\\d{1,10}") ? " \"" + p + "\"" : "";
            throw new InvalidSettingException("The Postgres port" + shown + " is not a number from 1 to 65535."
                    + (shown.isEmpty() ? " If the password has special characters, encode them as %XX." : ""));
        }
    }

    /** Names the scheme given, never the rest: a mistyped URL still holds a password. */
    private static String schemeOf(String s) {
        int sep = s.indexOf("://");
        return sep > 0 && s.substring(0, sep).matches("[A-Za-z][A-Za-z0-9+.-]*") ? "; got " + s.substring(0, sep + 3) + "…" : ".";
    }

    private static String decode(String s) throws InvalidSettingException {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("The Postgres URL has a broken %-escape; encode special characters in the password as %XX.");
        }
    }
}
