package ai.cascade.ops.backend;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class BackendMonitorTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration RARELY = Duration.ofHours(1);
    private static final Duration OFTEN = Duration.ofMillis(1);

    private BackendMonitor monitor;
    private final HealthRecorder heard = new HealthRecorder();

    @BeforeEach
    void start() {
        monitor = new BackendMonitor(Duration.ofMinutes(1));
    }

    @AfterEach
    void stop() {
        monitor.close();
    }

    @Test
    void everyBackendStartsNotConfigured() {
        for (Backend b : Backend.values()) assertThat(monitor.latest(b).state()).isEqualTo(Health.State.NOT_CONFIGURED);
    }

    @Test
    void aNewListenerHearsTheCurrentStateOfEveryBackendAtOnce() {
        monitor.addListener(heard);

        assertThat(heard.all()).extracting(Health::backend).containsExactlyInAnyOrder(Backend.values());
    }

    @Test
    void watchingWithoutAProbeMeansNotConfigured() throws InterruptedException {
        monitor.addListener(heard);

        monitor.watch(Backend.STRIPE, null, RARELY);

        Health h = heard.next(Backend.STRIPE, x -> true, WAIT);
        assertThat(h.state()).isEqualTo(Health.State.NOT_CONFIGURED);
        assertThat(h.message()).contains("Stripe is not configured");
        assertThat(monitor.latest(Backend.STRIPE).state()).isEqualTo(Health.State.NOT_CONFIGURED);
    }

    @Test
    void aListenerHearsCheckingThenTheResult() throws InterruptedException {
        monitor.addListener(heard);

        monitor.watch(Backend.REDIS, () -> null, RARELY);
        Health result = heard.nextResult(Backend.REDIS, WAIT);

        assertThat(heard.all()).filteredOn(h -> h.backend() == Backend.REDIS).extracting(Health::state)
                .containsExactly(Health.State.NOT_CONFIGURED, Health.State.CHECKING, Health.State.CONNECTED);
        assertThat(result.message()).isEqualTo("Redis answered.");
        assertThat(result.latency()).isNotNull();
        assertThat(monitor.latest(Backend.REDIS)).isEqualTo(result);
    }

    @Test
    void aProbeThatAnswersWithANoteIsDegradedWithThatNote() throws InterruptedException {
        monitor.addListener(heard);

        monitor.watch(Backend.VENICE, () -> "Venice answered 503.", RARELY);

        Health h = heard.nextResult(Backend.VENICE, WAIT);
        assertThat(h.state()).isEqualTo(Health.State.DEGRADED);
        assertThat(h.message()).isEqualTo("Venice answered 503.");
        assertThat(h.latency()).isNotNull();
    }

    @Test
    void aProbeSlowerThanSlowAfterIsDegraded() throws InterruptedException {
        try (BackendMonitor strict = new BackendMonitor(Duration.ofMillis(1))) {
            strict.addListener(heard);

            strict.watch(Backend.POSTGRES, BackendMonitorTest::hashSixteenMegabytes, RARELY);

            Health h = heard.nextResult(Backend.POSTGRES, WAIT);
            assertThat(h.state()).isEqualTo(Health.State.DEGRADED);
            assertThat(h.message()).startsWith("Postgres answered slowly (").endsWith(" ms).");
            assertThat(h.latency()).isGreaterThan(Duration.ofMillis(1));
        }
    }

    @Test
    void aProbeThatThrowsABackendExceptionIsDownWithItsMessage() throws InterruptedException {
        monitor.addListener(heard);

        monitor.watch(Backend.POSTGRES, () -> {
            throw new BackendException(Backend.POSTGRES, "Postgres at db:5432/app refused the connection.");
        }, RARELY);

        Health h = heard.nextResult(Backend.POSTGRES, WAIT);
        assertThat(h.state()).isEqualTo(Health.State.DOWN);
        assertThat(h.message()).isEqualTo("Postgres at db:5432/app refused the connection.");
        assertThat(h.latency()).isNull();
    }

    @Test
    void anUnexpectedExceptionIsDownAndNamesItsKindButNotItsText() throws InterruptedException {
        monitor.addListener(heard);

        monitor.watch(Backend.STRIPE, () -> {
            throw new IllegalStateException("driver text with sk_live_51Hx9aZ2eZvKYlo2C");
        }, RARELY);

        Health h = heard.nextResult(Backend.STRIPE, WAIT);
        assertThat(h.state()).isEqualTo(Health.State.DOWN);
        assertThat(h.message()).contains("Stripe check failed").contains("IllegalStateException").doesNotContain("sk_live");
    }

    @Test
    void aProbeThatFailsToLoadItsDriverIsDownRatherThanCheckingForever() throws InterruptedException {
        monitor.addListener(heard);

        monitor.watch(Backend.POSTGRES, () -> {
            throw new NoClassDefFoundError("org/postgresql/Driver");
        }, RARELY);

        Health h = heard.nextResult(Backend.POSTGRES, WAIT);
        assertThat(h.state()).isEqualTo(Health.State.DOWN);
        assertThat(h.message()).contains("NoClassDefFoundError");
    }

    @Test
    void checksRepeatOnTheirSchedule() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        monitor.addListener(heard);

        monitor.watch(Backend.REDIS, () -> {
            calls.incrementAndGet();
            return null;
        }, OFTEN);

        for (int i = 0; i < 3; i++) heard.nextResult(Backend.REDIS, WAIT);
        assertThat(calls.get()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void checkNowProbesAgainAtOnce() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        monitor.addListener(heard);
        monitor.watch(Backend.REDIS, () -> calls.incrementAndGet() == 1 ? null : "second answer", RARELY);
        assertThat(heard.nextResult(Backend.REDIS, WAIT).state()).isEqualTo(Health.State.CONNECTED);

        monitor.checkNow(Backend.REDIS);

        assertThat(heard.nextResult(Backend.REDIS, WAIT).message()).isEqualTo("second answer");
    }

    @Test
    void checkNowOnAnUnwatchedBackendDoesNothing() {
        monitor.checkNow(Backend.VENICE);

        assertThat(monitor.latest(Backend.VENICE).state()).isEqualTo(Health.State.NOT_CONFIGURED);
    }

    @Test
    void checkNowWhileACheckIsInFlightDoesNotStartASecondOne() throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        monitor.addListener(heard);
        monitor.watch(Backend.POSTGRES, () -> {
            calls.incrementAndGet();
            entered.countDown();
            awaitOrFail(release);
            return null;
        }, RARELY);
        assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        monitor.checkNow(Backend.POSTGRES);
        monitor.checkNow(Backend.POSTGRES);
        release.countDown();

        heard.nextResult(Backend.POSTGRES, WAIT);
        assertThat(calls.get()).isEqualTo(1);
        monitor.checkNow(Backend.POSTGRES);
        heard.nextResult(Backend.POSTGRES, WAIT);
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void aListenerThatThrowsNeitherStopsTheChecksNorTheOtherListeners() throws InterruptedException {
        monitor.addListener(h -> {
            if (h.state() == Health.State.CONNECTED) throw new IllegalStateException("a broken view");
        });
        monitor.addListener(heard);

        monitor.watch(Backend.REDIS, () -> null, OFTEN);

        for (int i = 0; i < 3; i++) assertThat(heard.nextResult(Backend.REDIS, WAIT).state()).isEqualTo(Health.State.CONNECTED);
    }

    @Test
    void watchingABackendAgainReplacesItsProbeAndItsSchedule() throws InterruptedException {
        monitor.addListener(heard);
        monitor.watch(Backend.VENICE, () -> "old profile", OFTEN);
        heard.next(Backend.VENICE, h -> "old profile".equals(h.message()), WAIT);

        monitor.watch(Backend.VENICE, () -> "new profile", OFTEN);
        for (int i = 0; i < 20; i++) heard.next(Backend.VENICE, h -> "new profile".equals(h.message()), WAIT);

        assertThat(afterTheLastChecking(Backend.VENICE)).extracting(Health::message).containsOnly("new profile");
    }

    @Test
    void watchingABackendWithoutAProbeStopsItsChecks() throws InterruptedException {
        monitor.addListener(heard);
        monitor.watch(Backend.POSTGRES, () -> null, OFTEN);
        heard.nextResult(Backend.POSTGRES, WAIT);

        monitor.watch(Backend.POSTGRES, null, RARELY);
        // Redis checks run on the same scheduler: twenty of them leave the old Postgres schedule ample time to show up.
        monitor.watch(Backend.REDIS, () -> null, OFTEN);
        for (int i = 0; i < 20; i++) heard.nextResult(Backend.REDIS, WAIT);

        assertThat(monitor.latest(Backend.POSTGRES).state()).isEqualTo(Health.State.NOT_CONFIGURED);
        List<Health> postgres = heard.all().stream().filter(h -> h.backend() == Backend.POSTGRES).toList();
        assertThat(postgres.get(postgres.size() - 1).state()).isEqualTo(Health.State.NOT_CONFIGURED);
    }

    @Test
    void reportSetsAStateFromOutsideTheProbes() throws InterruptedException {
        monitor.addListener(heard);

        monitor.report(Health.checking(Backend.POSTGRES, "Starting the demo database…"));

        assertThat(heard.next(Backend.POSTGRES, h -> h.state() == Health.State.CHECKING, WAIT).message())
                .isEqualTo("Starting the demo database…");
        assertThat(monitor.latest(Backend.POSTGRES).message()).isEqualTo("Starting the demo database…");
    }

    private List<Health> afterTheLastChecking(Backend backend) {
        List<Health> mine = heard.all().stream().filter(h -> h.backend() == backend).toList();
        int lastChecking = 0;
        for (int i = 0; i < mine.size(); i++) if (mine.get(i).state() == Health.State.CHECKING) lastChecking = i;
        return mine.subList(lastChecking + 1, mine.size());
    }

    /** Real work instead of sleeping: hashing 16 MB takes well over a millisecond on any machine. */
    private static String hashSixteenMegabytes() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] block = new byte[1 << 20];
            for (int i = 0; i < 16; i++) {
                block[0] = (byte) i;
                sha.update(block);
            }
            return sha.digest().length == 32 ? null : "unexpected digest";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitOrFail(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)) throw new IllegalStateException("the test never released the probe");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while held by the test", e);
        }
    }

    @Test
    void aBackendNotConnectedIsCheckedAtTheFasterPaceUntilItAnswersThenAtTheUsualOne() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch answered = new CountDownLatch(1);
        monitor.watch(Backend.REDIS, () -> {
            if (calls.incrementAndGet() <= 5) throw new BackendException(Backend.REDIS, "refused");
            answered.countDown();
            return null;
        }, RARELY, Duration.ofMillis(50));

        // Five failures an hour apart would take five hours: only the pace while down brings the sixth call.
        assertThat(answered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        Thread.sleep(500);   // ten times the pace while down: a connected backend waits its hour
        assertThat(monitor.latest(Backend.REDIS).state()).isEqualTo(Health.State.CONNECTED);
        assertThat(calls).hasValue(6);
    }
}
