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
                throw new InvalidSettingException("The Redis URL " + Secrets.maskUrl(s) + " has no host name.");
            int port = uri.getPort() < 0 ? 6379 : uri.getPort();
            if (port > 65535) throw new InvalidSettingException("The Redis port " + port + " is out of range.");
            String path = uri.getPath();
            if (path != null && path.length() > 1 && !path.substring(1).matches("\\d{1,2}"))
                throw new InvalidSettingException("The Redis database after the host must be a number (…/0); got \"" + path.substring(1) + "\".");
            return new RedisAddress(s, tls, host, port);
        } catch (URISyntaxException e) {
            throw new InvalidSettingException("The Redis URL " + Secrets.maskUrl(s) + " is not a valid URL: " + e.getReason()
                    + ". Encode special characters in the password as %XX.");
        }
    }

    public String describe() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return "RedisAddress[" + Secrets.maskUrl(url) + "]";
    }
}
