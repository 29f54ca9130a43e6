package ai.cascade.ops.config;

import java.util.ArrayList;
import java.util.List;

/** What the connection dialog's form holds, and its checks: every problem as a sentence, none as an exception. */
public record ProfileForm(String name, String postgresUrl, String postgresPassword, String redisUrl, String redisPassword,
                          String veniceUrl, String stripeKey, boolean production, boolean readOnly) {

    public static ProfileForm of(ConnectionProfile p) {
        UrlCredentials.Split pg = UrlCredentials.split(p.postgresUrl());
        UrlCredentials.Split redis = UrlCredentials.split(p.redisUrl());
        return new ProfileForm(p.name(), pg.url(), pg.password(), redis.url(), redis.password(), p.veniceUrl(), p.stripeKey(),
                p.production(), p.readOnly());
    }

    public ConnectionProfile toProfile() {
        return new ConnectionProfile(name.strip(), production, readOnly, UrlCredentials.join(postgresUrl, postgresPassword),
                UrlCredentials.join(redisUrl, redisPassword), veniceUrl, stripeKey);
    }

    /** Problems that prevent saving; empty when the profile is usable. */
    public List<String> problems(List<String> otherNames) {
        List<String> out = new ArrayList<>();
        String n = name == null ? "" : name.strip();
        if (n.isEmpty()) out.add("Give the profile a name, e.g. staging or production.");
        else if (n.equals(ConnectionProfile.DEMO_NAME) || n.equals(ConnectionProfile.ENVIRONMENT_NAME))
            out.add("\"" + n + "\" is reserved; choose another name.");
        else if (otherNames.contains(n)) out.add("Another profile is already named \"" + n + "\".");
        ConnectionProfile p = toProfile();
        if (!p.hasPostgres() && !p.hasRedis() && !p.hasVenice() && !p.hasStripe())
            out.add("Fill in at least one server.");
        if (p.hasPostgres()) check(out, () -> PostgresAddress.parse(p.postgresUrl()));
        if (p.hasRedis()) check(out, () -> RedisAddress.parse(p.redisUrl()));
        if (p.hasVenice() && !p.veniceUrl().matches("(?i)https?://[^\\s/$.?#][^\\s]*"))
            out.add("The Venice URL must start with https:// (for example https://serenissima.ai/api).");
        if (p.hasStripe() && !p.stripeKey().matches("(sk|rk)_(live|test)_[A-Za-z0-9]{8,}"))
            out.add("The Stripe key must be a secret (sk_…) or restricted (rk_…) key; a publishable pk_… key cannot read billing.");
        return out;
    }

    private interface Check { void run() throws InvalidSettingException; }

    private static void check(List<String> out, Check c) {
        try {
            c.run();
        } catch (InvalidSettingException e) {
            out.add(e.getMessage());
        }
    }
}
