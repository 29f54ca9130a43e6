package ai.cascade.ops.venice;

import java.time.Instant;

/**
 * A Venice citizen as {@code /citizens/{username}} (or a ledger's {@code citizen}) describes it. Any field may be
 * missing or null in Venice's answer, and is null here then; a field of the wrong type is null too.
 */
public record Citizen(String username, String firstName, String lastName, Boolean isAi, String socialClass,
                      Double influence, Double ducats, String guildId, Place workplace, String home,
                      Instant lastActiveAt, Instant createdAt) {

    /** A building: {@code {name, type, buildingId}}, each possibly null. */
    public record Place(String name, String type, String buildingId) {
        /** "Banco Foscari (bank)", or whichever parts are known. */
        public String describe() {
            String n = name != null ? name : buildingId;
            if (n == null) return type;
            return type == null ? n : n + " (" + type + ")";
        }
    }
}
