package ai.cascade.ops.app;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.text.NumberFormat;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Currency;
import java.util.Locale;

/**
 * {@code --self-check [https-url]}: proves the packaged runtime has what jdeps cannot see — TLS (the
 * elliptic-curve provider Stripe, Venice and rediss:// need) and locale data for non-English formats.
 */
final class SelfCheck {
    private SelfCheck() {}

    static int run(String url) {
        int failures = 0;
        Locale italian = Locale.ITALY;
        String money = NumberFormat.getCurrencyInstance(italian).format(1234.56);
        String date = LocalDate.of(2026, 11, 24).format(DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(italian));
        String euro = Currency.getInstance("EUR").getSymbol(italian);
        // Without jdk.localedata Java falls back to English patterns: "€1,234.56" and "November 24, 2026".
        boolean localeOk = money.contains("1.234,56") && date.contains("novembre");
        System.out.println((localeOk ? "ok   " : "FAIL ") + "locale data: it-IT formats 1234.56 EUR as " + money + ", a date as " + date + " (" + euro + ")");
        if (!localeOk) failures++;
        if (url != null) {
            OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(15)).build();
            try (Response r = http.newCall(new Request.Builder().url(url).head().build()).execute()) {
                String tls = r.handshake() == null ? "no TLS" : r.handshake().tlsVersion().javaName() + " " + r.handshake().cipherSuite().javaName();
                System.out.println("ok   TLS: " + url + " answered " + r.code() + " over " + tls);
            } catch (Exception e) {
                System.out.println("FAIL TLS: " + url + ": " + e);
                failures++;
            } finally {
                http.dispatcher().executorService().shutdown();
                http.connectionPool().evictAll();
            }
        }
        return failures == 0 ? 0 : 1;
    }
}
