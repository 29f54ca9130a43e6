package ai.cascade.ops.venice;

import com.google.gson.JsonElement;

import java.util.List;
import java.util.Map;

/**
 * A citizen's ledger ({@code /get-ledger?format=json}'s {@code data}): the citizen with their mood, and the other
 * sections VENICE-API.md lists, each kept as Venice's JSON when present and not null. Sections Venice adds later
 * are ignored. The JSON values are the client's own copies; treat them as read-only.
 */
public record Ledger(Citizen citizen, String mood, Double moodIntensity, String primaryEmotion,
                     Map<String, JsonElement> sections) {
    /** The sections read besides {@code citizen}, in VENICE-API.md's order. */
    public static final List<String> SECTIONS = List.of("lastActivity", "lastActivities", "plannedActivities",
            "ownedLands", "ownedBuildings", "managedBuildings", "workplaceBuilding", "homeBuilding", "activeContracts",
            "guildDetails", "citizenLoans", "strongestRelationships", "recentProblems", "recentMessages", "thoughts",
            "latestDailyUpdate", "availableStratagems");

    public boolean has(String section) { return sections.containsKey(section); }
}
