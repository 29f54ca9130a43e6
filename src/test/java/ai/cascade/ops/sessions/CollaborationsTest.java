package ai.cascade.ops.sessions;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.sessions.Collaborations.Collaboration;
import ai.cascade.ops.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Live and recently ended collaboration sessions from a real Postgres, with the messy rows the backend leaves. */
class CollaborationsTest {
    static String url;
    static Database db;
    static RedisConnection redis;
    static Collaborations collaborations;
    static int foscari, contarini;

    @BeforeAll
    static void setUp() {
        url = TestServers.freshDatabaseUrl("collaborations");
        db = TestServers.open(url);
        redis = TestServers.freshRedis();
        foscari = SessionFixtures.user(url, "Foscari_Banker", "maestro");
        contarini = SessionFixtures.user(url, "Contarini_Doge", "observer");
        String now = "(now() AT TIME ZONE 'UTC')";
        SessionFixtures.exec(url, "INSERT INTO collaboration_sessions(owner_id, participants, consciousness_metrics, created_at, ended_at) VALUES "
                + "(" + foscari + ", '[\"Foscari_Banker\", \"Contarini_Doge\"]', '{\"coherence\": 0.72, \"messages\": 12, \"nested\": {\"x\": 1}}', " + now + " - interval '90 minutes', NULL),"
                + "(" + contarini + ", '{\"Foscari_Banker\": true}', NULL, " + now + " - interval '10 minutes', NULL),"
                + "(NULL, NULL, '[1, 2]', " + now + " - interval '5 minutes', NULL),"
                + "(" + foscari + ", '[\"Foscari_Banker\"]', '{\"insights\": 3}', " + now + " - interval '3 hours', " + now + " - interval '1 hour'),"
                + "(" + contarini + ", '[\"Contarini_Doge\"]', NULL, " + now + " - interval '3 days', " + now + " - interval '2 days')");
    }

    @AfterAll
    static void tearDown() {
        db.close();
        redis.close();
    }

    @Test
    void liveSessionsShowOwnerParticipantsDurationAndMetricsNewestFirst() {
        List<Collaboration> live = collaborations().live(CancelSignal.NONE);

        assertThat(live).hasSize(3).allMatch(Collaboration::live);
        Collaboration oldest = live.get(2);
        assertThat(oldest.ownerName()).isEqualTo("Foscari_Banker");
        assertThat(oldest.participants()).containsExactly("Foscari_Banker", "Contarini_Doge");
        assertThat(oldest.participantsProblem()).isNull();
        assertThat(oldest.duration()).isBetween(Duration.ofMinutes(89), Duration.ofMinutes(92));
        assertThat(oldest.metrics()).isEqualTo("messages 12 · coherence 0.72");
    }

    @Test
    void participantsThatAreNotAListAndOwnersThatAreGoneAreSaidNotHidden() {
        List<Collaboration> live = collaborations().live(CancelSignal.NONE);

        assertThat(live.get(1).participants()).isEmpty();
        assertThat(live.get(1).participantsProblem()).contains("JSON object");
        assertThat(live.get(1).metrics()).isEqualTo("—");
        assertThat(live.get(0).ownerId()).isNull();
        assertThat(live.get(0).ownerName()).isNull();
        assertThat(live.get(0).participantsProblem()).isEqualTo("No participants recorded.");
        assertThat(live.get(0).metrics()).isEqualTo("(not an object)");
    }

    @Test
    void recentlyEndedMeansTheLast24Hours() {
        List<Collaboration> ended = collaborations().recentlyEnded(CancelSignal.NONE);

        assertThat(ended).singleElement().satisfies(c -> {
            assertThat(c.live()).isFalse();
            assertThat(c.duration()).isEqualTo(Duration.ofHours(2));
            assertThat(c.metrics()).isEqualTo("insights 3");
        });
    }

    private static Collaborations collaborations() {
        return new Collaborations(new SessionFixtures.TestConnections(db, redis));
    }
}
