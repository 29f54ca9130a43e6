package ai.cascade.ops.demo;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

import static ai.cascade.ops.demo.DatasetPlan.DAY;
import static ai.cascade.ops.demo.DatasetPlan.HOUR;

/**
 * The {@code collaboration_sessions} rows: about 15 % live (started within the last 3 h, not ended),
 * the rest ended; participants are real users' Venice usernames, the owner first.
 */
final class CollaborationRows {
    static final String TABLE = "collaboration_sessions";
    static final String COLUMNS = "session_id, owner_id, participants, consciousness_metrics, created_at, ended_at";

    private final DatasetPlan plan;
    private final UserRows users;

    CollaborationRows(DatasetPlan plan, UserRows users) {
        this.plan = plan;
        this.users = users;
    }

    /** About one session per 100 users, never fewer than 30. */
    int count() {
        return Math.max(30, plan.users() / 100);
    }

    int write(int k, CopyLine line) {
        SplittableRandom rnd = DemoRandom.forRow(plan.seed(), DemoRandom.COLLABORATIONS, k);
        String sessionId = DemoRandom.uuid(rnd).toString();
        int owner = rnd.nextInt(plan.users());
        boolean live = k == 0 || k != 1 && rnd.nextDouble() < 0.15;   // the first two make sure both kinds exist
        long now = plan.now();
        long created = live ? now - DemoRandom.seconds(rnd, 60, 3 * HOUR) : now - DemoRandom.seconds(rnd, 3 * HOUR, 60 * DAY);
        long ended = live ? CopyLine.NO_TIME : Math.min(now - 60, created + DemoRandom.seconds(rnd, 5 * 60, 4 * HOUR));
        line.text(sessionId).number(owner + 1L).text(participants(owner, rnd)).text(metrics(live, rnd))
                .timestamp(created).timestamp(ended).end();
        return 1;
    }

    private String participants(int owner, SplittableRandom rnd) {
        Set<Integer> who = new LinkedHashSet<>();
        who.add(owner);
        int wanted = 1 + rnd.nextInt(6);
        while (who.size() < wanted) who.add(rnd.nextInt(plan.users()));
        StringBuilder json = new StringBuilder("[");
        for (int i : who) {
            if (json.length() > 1) json.append(", ");
            json.append('"').append(users.username(i)).append('"');   // generated names hold no quote or backslash
        }
        return json.append(']').toString();
    }

    private static String metrics(boolean live, SplittableRandom rnd) {
        if (rnd.nextDouble() < 0.02) return null;   // sessions that crashed before the first metrics were written
        return String.format(Locale.ROOT, "{\"coherence\": %.2f, \"messages\": %d, \"insights\": %d%s}",
                0.35 + rnd.nextDouble() * 0.6, rnd.nextInt(live ? 40 : 400), rnd.nextInt(12), live ? ", \"live\": true" : "");
    }
}
