package ai.cascade.ops.cache;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The SCAN COUNT follows the server's time per key, within bounds. */
class ScanPaceTest {

    private static String stats(long calls, long usec) {
        return "# Commandstats\r\ncmdstat_get:calls=5,usec=10,usec_per_call=2.00\r\ncmdstat_scan:calls=" + calls + ",usec=" + usec
                + ",usec_per_call=" + (calls == 0 ? 0 : usec / calls) + ".00,rejected_calls=0,failed_calls=0\r\n";
    }

    @Test
    void anExpensiveKeyspaceLowersTheCountUntilACallCostsAboutTheTarget() {
        ScanPace pace = ScanPace.adaptive();
        assertThat(pace.count()).isEqualTo(ScanPace.START_COUNT);
        long calls = 0, usec = 0, returned = 0;
        pace.measured(stats(calls, usec), returned);
        for (int window = 0; window < 12; window++) {
            for (int i = 0; i < 16; i++) {   // 4 µs per key
                calls++;
                usec += 4L * pace.count();
                returned += pace.count();
            }
            pace.measured(stats(calls, usec), returned);
        }
        assertThat(pace.count() * 4.0).isBetween(ScanPace.TARGET_MICROS * 0.9, ScanPace.TARGET_MICROS * 1.1);
    }

    @Test
    void aCheapKeyspaceRaisesItNoFurtherThanTheCap() {
        ScanPace pace = ScanPace.adaptive();
        pace.measured(stats(100, 1000), 0);
        for (int window = 1; window < 20; window++) pace.measured(stats(100 + window * 10L, 1000 + window * 10L), window * 100_000L);
        assertThat(pace.count()).isEqualTo(ScanPace.MAX_COUNT);
    }

    @Test
    void aFixedCountIgnoresReadingsAndAMissingOrGarbledReadingChangesNothing() {
        ScanPace fixed = ScanPace.fixed(50);
        fixed.measured(stats(1, 1), 0);
        fixed.measured(stats(2, 1_000_000), 10);
        assertThat(fixed.count()).isEqualTo(50);

        ScanPace pace = ScanPace.adaptive();
        pace.measured("# Commandstats\r\ncmdstat_get:calls=5,usec=10\r\n", 0);
        pace.measured(null, 10);
        pace.measured("cmdstat_scan:calls=x,usec=y", 20);
        assertThat(pace.count()).isEqualTo(ScanPace.START_COUNT);
    }
}
