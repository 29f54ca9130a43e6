package ai.cascade.ops.sessions;

import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.Figures;
import ai.cascade.ops.ui.Problems;
import ai.cascade.ops.ui.ReasonPrompt;
import javafx.stage.Window;

import java.util.List;
import java.util.function.Consumer;

/**
 * The sessions page's changes: revoking sessions, resetting a rate-limit counter, purging a citizen's Venice
 * cache. Each asks for a reason (and the profile's name on production), runs in the background, and says
 * what happened in one line.
 */
final class SessionActions {
    private final SessionRevoker revoker;
    private final RedisSupportActions actions;
    private final BackgroundWork work;
    private final ConnectionProfile profile;
    private final Consumer<String> report;
    private final Runnable afterRevoke;

    SessionActions(SessionRevoker revoker, RedisSupportActions actions, BackgroundWork work, ConnectionProfile profile,
                   Consumer<String> report, Runnable afterRevoke) {
        this.revoker = revoker;
        this.actions = actions;
        this.work = work;
        this.profile = profile;
        this.report = report;
        this.afterRevoke = afterRevoke;
    }

    void revoke(Window owner, List<SessionRow> rows) {
        if (rows.isEmpty()) return;
        long withoutToken = rows.stream().filter(r -> !r.hasTokenId()).count();
        String who = rows.size() == 1 ? "the session of " + name(rows.get(0)) : rows.size() + " sessions";
        String question = "Revoke " + who + "? Each token is blacklisted for its remaining lifetime, then its session is deleted."
                + (withoutToken == 0 ? "" : "\n" + withoutToken + (withoutToken == 1 ? " has" : " have")
                + " no token id: a token that cannot be blacklisted is not revoked.");
        ReasonPrompt.ask(owner, profile, "Revoke", question).ifPresent(reason -> {
            List<String> keys = rows.stream().map(SessionRow::key).toList();
            report.accept("Revoking…");
            work.run("Revoking " + keys.size() + (keys.size() == 1 ? " session" : " sessions"), c -> revoker.revokeAll(keys, reason),
                    this::revoked, e -> report.accept(Problems.describe(e)));
        });
    }

    private void revoked(List<SessionRevoker.Outcome> outcomes) {
        long revoked = outcomes.stream().filter(SessionRevoker.Outcome::revoked).count();
        if (outcomes.size() == 1) report.accept(outcomes.get(0).message());
        else {
            StringBuilder b = new StringBuilder("Revoked " + revoked + " of " + outcomes.size() + " sessions.");
            outcomes.stream().filter(o -> !o.revoked()).limit(3).forEach(o -> b.append(' ').append(o.key()).append(": ").append(o.message()));
            report.accept(b.toString());
        }
        afterRevoke.run();
    }

    void resetRateLimit(Window owner, SessionRow r) {
        if (r.userId() == null) return;
        ReasonPrompt.ask(owner, profile, "Reset rate limit",
                "Reset the rate-limit counter of " + name(r) + "? Their requests count from zero again.").ifPresent(reason ->
                work.run("Resetting a rate-limit counter", c -> actions.resetRateLimit(r.userId(), reason),
                        done -> report.accept(done.existed() ? "Rate-limit counter of " + name(r) + " reset (it was " + done.previous()
                                + "). Audit entry #" + done.auditId() + "."
                                : "User " + r.userId() + " had no rate-limit counter. Audit entry #" + done.auditId() + "."),
                        e -> report.accept(Problems.describe(e))));
    }

    void purgeVenice(Window owner, SessionRow r) {
        if (r.username() == null) return;
        ReasonPrompt.ask(owner, profile, "Purge Venice cache",
                "Delete the cached Venice answers about the citizen " + r.username() + "? The next reads ask Venice again.").ifPresent(reason ->
                work.run("Purging Venice cache entries", c -> actions.purgeVeniceCache(r.userId() == null ? 0 : r.userId(), r.username(), reason),
                        done -> report.accept("Purged " + Figures.count(done.deleted()) + " cached Venice answers about " + r.username()
                                + ". Audit entry #" + done.auditId() + "."),
                        e -> report.accept(Problems.describe(e))));
    }

    static String name(SessionRow r) {
        return r.username() != null ? r.username() : r.userId() != null ? "user " + r.userId() : r.key();
    }
}
