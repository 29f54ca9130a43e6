package ai.cascade.ops.demo;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A request's parameters as Stripe reads them: form-encoded pairs with bracket keys
 * ({@code items[0][price]}, {@code expand[]}), from the body of a POST or the query of a GET.
 */
final class StripeForm {
    private static final Comparator<Map.Entry<String, String>> BY_KEY_THEN_VALUE =
            Map.Entry.<String, String>comparingByKey().thenComparing(Map.Entry.comparingByValue());

    /** stripe-java numbers list items ({@code expand[0]}); other clients send {@code expand[]}: both mean the same. */
    private static final Pattern EXPAND_INDEX = Pattern.compile("^expand\\[\\d+]$");

    private final List<Map.Entry<String, String>> pairs;

    private StripeForm(List<Map.Entry<String, String>> pairs) {
        this.pairs = Collections.unmodifiableList(pairs);
    }

    /** Decodes {@code a=1&b%5B0%5D=2}; a key without {@code =} has the empty value. */
    static StripeForm parse(String encoded) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        if (encoded != null && !encoded.isEmpty()) {
            for (String part : encoded.split("&")) {
                if (part.isEmpty()) continue;
                int eq = part.indexOf('=');
                String key = eq < 0 ? part : part.substring(0, eq);
                String value = eq < 0 ? "" : part.substring(eq + 1);
                pairs.add(Map.entry(EXPAND_INDEX.matcher(decode(key)).replaceFirst("expand[]"), decode(value)));
            }
        }
        return new StripeForm(pairs);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The last value given for {@code key}, or null. */
    String get(String key) {
        String found = null;
        for (Map.Entry<String, String> p : pairs) if (p.getKey().equals(key)) found = p.getValue();
        return found;
    }

    boolean has(String key) {
        return get(key) != null;
    }

    /** Every value given for {@code key}, in order (for {@code expand[]}). */
    List<String> all(String key) {
        return pairs.stream().filter(p -> p.getKey().equals(key)).map(Map.Entry::getValue).toList();
    }

    boolean expands(String path) {
        return all("expand[]").contains(path);
    }

    List<String> keys() {
        return pairs.stream().map(Map.Entry::getKey).distinct().toList();
    }

    /** The first key neither listed nor under one of the prefixes (e.g. {@code metadata[}), or null. */
    String unknownKey(Set<String> known, Set<String> knownPrefixes) {
        for (Map.Entry<String, String> p : pairs) {
            String k = p.getKey();
            if (known.contains(k) || knownPrefixes.stream().anyMatch(k::startsWith)) continue;
            return k;
        }
        return null;
    }

    /**
     * The parameters decoded and sorted, as one string: two requests carry "the same parameters"
     * when these are equal, however the client ordered or encoded them.
     */
    String canonical() {
        StringBuilder b = new StringBuilder();
        pairs.stream().sorted(BY_KEY_THEN_VALUE).forEach(p -> {
            if (b.length() > 0) b.append('&');
            b.append(p.getKey()).append('=').append(p.getValue());
        });
        return b.toString();
    }

    /** An integer parameter; null when absent; a 400 naming the parameter when it is no integer. */
    Long number(String key) {
        String v = get(key);
        if (v == null) return null;
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw DemoStripeError.invalid("Invalid integer: " + v, key);
        }
    }

    /** A boolean parameter as Stripe accepts it ("true"/"false"); null when absent. */
    Boolean bool(String key) {
        String v = get(key);
        if (v == null) return null;
        if (v.equals("true")) return true;
        if (v.equals("false")) return false;
        throw DemoStripeError.invalid("Invalid boolean: " + v, key);
    }

    /** One of {@code allowed}; null when absent; a 400 otherwise. */
    String choice(String key, Set<String> allowed) {
        String v = get(key);
        if (v == null || allowed.contains(v)) return v;
        throw DemoStripeError.invalid("Invalid " + key + ": must be one of " + String.join(", ", allowed.stream().sorted().toList()), key);
    }

    /** Refuses the request when it names a parameter the endpoint does not take, as Stripe does. */
    void requireKnown(Set<String> known, Set<String> knownPrefixes) {
        String unknown = unknownKey(known, knownPrefixes);
        if (unknown != null) throw DemoStripeError.invalid("Received unknown parameter: " + unknown, unknown);
    }
}
