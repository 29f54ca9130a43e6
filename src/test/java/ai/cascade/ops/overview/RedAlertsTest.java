package ai.cascade.ops.overview;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Verdict;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Which checks alert: once when they turn critical or unreachable, again only after they have recovered. */
class RedAlertsTest {
    private static Check check(String id, Verdict v) {
        return Check.of(Backend.REDIS, id, id, v, "", "", "");
    }

    private static List<String> alerted(RedAlerts alerts, Check... reading) {
        return alerts.next(List.of(reading)).stream().map(Check::id).toList();
    }

    @Test
    void aCheckTurningRedAlertsOnceAndStayingRedAlertsNoMore() {
        RedAlerts alerts = new RedAlerts();
        assertThat(alerted(alerts, check("redis.memory", Verdict.OK))).isEmpty();
        assertThat(alerted(alerts, check("redis.memory", Verdict.CRITICAL))).containsExactly("redis.memory");
        assertThat(alerted(alerts, check("redis.memory", Verdict.CRITICAL))).isEmpty();
        assertThat(alerted(alerts, check("redis.memory", Verdict.CRITICAL))).isEmpty();
    }

    @Test
    void aCheckThatRecoversAlertsAgainWhenItTurnsRedAgain() {
        RedAlerts alerts = new RedAlerts();
        assertThat(alerted(alerts, check("postgres.long_running", Verdict.CRITICAL))).containsExactly("postgres.long_running");
        assertThat(alerted(alerts, check("postgres.long_running", Verdict.OK))).isEmpty();
        assertThat(alerted(alerts, check("postgres.long_running", Verdict.CRITICAL))).containsExactly("postgres.long_running");
    }

    @Test
    void aWarningIsNotAnAlarmAndDoesNotCountAsRecoveryEither() {
        RedAlerts alerts = new RedAlerts();
        assertThat(alerted(alerts, check("redis.memory", Verdict.WARNING))).isEmpty();
        assertThat(alerted(alerts, check("redis.memory", Verdict.CRITICAL))).containsExactly("redis.memory");
        assertThat(alerted(alerts, check("redis.memory", Verdict.WARNING))).as("amber is out of red: recovered").isEmpty();
        assertThat(alerted(alerts, check("redis.memory", Verdict.CRITICAL))).containsExactly("redis.memory");
        assertThat(alerted(alerts, check("redis.memory", Verdict.UNKNOWN))).isEmpty();
    }

    @Test
    void unreachableCountsAsRedAndEscalatingFromCriticalIsNotNews() {
        RedAlerts alerts = new RedAlerts();
        assertThat(alerted(alerts, check("stripe.reachable", Verdict.UNREACHABLE))).containsExactly("stripe.reachable");
        assertThat(alerted(alerts, check("stripe.reachable", Verdict.UNREACHABLE))).isEmpty();
        assertThat(alerted(alerts, check("x", Verdict.CRITICAL))).containsExactly("x");
        assertThat(alerted(alerts, check("x", Verdict.UNREACHABLE))).isEmpty();
    }

    @Test
    void aCheckHiddenByItsBackendGoingDownIsNotNewsWhenItComesBackStillRed() {
        RedAlerts alerts = new RedAlerts();
        assertThat(alerted(alerts, check("postgres.reachable", Verdict.OK), check("postgres.blocked", Verdict.CRITICAL)))
                .containsExactly("postgres.blocked");
        assertThat(alerted(alerts, check("postgres.reachable", Verdict.UNREACHABLE))).containsExactly("postgres.reachable");
        assertThat(alerted(alerts, check("postgres.reachable", Verdict.OK), check("postgres.blocked", Verdict.CRITICAL))).isEmpty();
    }

    @Test
    void severalChecksAreTrackedEachOnItsOwn() {
        RedAlerts alerts = new RedAlerts();
        assertThat(alerted(alerts, check("a", Verdict.CRITICAL), check("b", Verdict.OK), check("c", Verdict.UNREACHABLE)))
                .containsExactly("a", "c");
        assertThat(alerted(alerts, check("a", Verdict.CRITICAL), check("b", Verdict.CRITICAL), check("c", Verdict.OK)))
                .containsExactly("b");
        assertThat(alerted(alerts, check("a", Verdict.OK), check("b", Verdict.CRITICAL), check("c", Verdict.CRITICAL)))
                .containsExactly("c");
    }

    /** Oracle: a check alerts exactly when it is red now and its last reading (if any) was not. */
    @Test
    void randomSequencesAgreeWithTheOracle() {
        Random random = new Random(8);
        Verdict[] verdicts = Verdict.values();
        for (int run = 0; run < 200; run++) {
            RedAlerts alerts = new RedAlerts();
            Map<String, Verdict> last = new HashMap<>();
            for (int step = 0; step < 30; step++) {
                List<Check> reading = new ArrayList<>();
                List<String> expected = new ArrayList<>();
                for (String id : List.of("a", "b", "c", "d")) {
                    if (random.nextInt(5) == 0) continue;   // absent from this reading
                    Verdict v = verdicts[random.nextInt(verdicts.length)];
                    reading.add(check(id, v));
                    Verdict before = last.get(id);
                    if (v.isAlarm() && (before == null || !before.isAlarm())) expected.add(id);
                    last.put(id, v);
                }
                assertThat(alerts.next(reading).stream().map(Check::id).toList()).as("run %d step %d", run, step)
                        .containsExactlyElementsOf(expected);
            }
        }
    }
}
