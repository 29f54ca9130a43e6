package ai.cascade.ops.config;

/**
 * A subscription tier as configuration (DATA-MODEL.md: a support team adds a tier without a release).
 * {@code unitAmount} is in the currency's minor units per {@code interval} ("month" or "year").
 */
public record Tier(String name, String stripePriceId, String interval, String currency, int unitAmount) {

    public boolean isFree() {
        return stripePriceId == null || stripePriceId.isBlank();
    }
}
