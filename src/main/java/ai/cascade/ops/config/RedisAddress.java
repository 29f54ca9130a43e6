package ai.cascade.ops.config;

import java.net.URI;
import java.net.URISyntaxException;

/** A checked redis:// or rediss:// URL; the user and password of an ACL user may be in it or given apart. */
public record RedisAddress(String url, boolean tls, String host, int port) {

    public static RedisAddress parse(String url) throws InvalidSettingException {
        if (url == null || url.isBlank()) throw new InvalidSettingException("The Redis URL is empty.");
        String s = url.strip();
        boolean tls;
        if (s.startsWith("redis://")) tls = false;
        else if (s.startsWith("rediss://")) tls = true;
        else throw new InvalidSettingException("The Redis URL must start with redis:// or rediss:// (for example redis://ops:password@cache-1:6379/0).");
        try {
            URI uri = new URI(s);
            String host = uri.getHost();
            if (host == null || host.isEmpty())
                throw new InvalidSettingException("The Redis URL " + shown(s) + " has no host name (redis://user:password@host:6379/0).");
            int port = uri.getPort() < 0 ? 6379 : uri.getPort();
            if (port > 65535) throw new InvalidSettingException("The Redis port " + port + " is out of range.");
            String path = uri.getPath();
            if (path != null && path.length() > 1 && !path.substring(1).matches("\\d{1,2}"))
                // a path holding '@' or ':' is the tail of user:password after an unencoded '/': not echoed
                throw new InvalidSettingException(path.matches(".*[@:].*")
                        ? "The Redis URL's database after the host must be a number (…/0). If the password has special characters, encode them as %XX."
                        : "The Redis database after the host must be a number (…/0); got \"" + path.substring(1) + "\".");
            return new RedisAddress(s, tls, host, port);
        } catch (URISyntaxException e) {
            throw new InvalidSettingException("The Redis URL " + shown(s) + " is not a valid URL: " + e.getReason()
                    + ". Encode special characters in the password as %XX.");
        }
    }

    /**
     * The URL for a message: its scheme and what follows the last "@" (the host part); the credentials never, however
     * mistyped. Without an "@" the text after "user:" is a password as often as a host (redis://ops:secret).
     */
    private static String shown(String url) {
        String scheme = url.substring(0, url.indexOf("://") + 3);
        int at = url.lastIndexOf('@');
        return at < scheme.length() ? scheme + "…" : scheme + "…@" + url.substring(at + 1);
    }

    public String describe() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return "RedisAddress[" + Secrets.maskUrl(url) + "]";
    }
}
