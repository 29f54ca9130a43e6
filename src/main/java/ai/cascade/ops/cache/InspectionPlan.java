package ai.cascade.ops.cache;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which per-key figures an inventory asks for, and why some are not asked for (or stopped being asked for): a
 * user without MEMORY, a server without it, an LFU policy that keeps no idle time. A figure once found unknown
 * stays unknown for the run, so the report never mixes known and unknown keys in one sum.
 */
final class InspectionPlan {
    private final boolean full;
    private boolean ttl;
    private boolean memory;
    private boolean idle;
    private final Set<String> notes = new LinkedHashSet<>();

    InspectionPlan(InventoryDepth depth) {
        full = depth == InventoryDepth.FULL;
        ttl = full;
        memory = full;
        idle = full;
    }

    boolean full() { return full; }

    boolean ttl() { return ttl; }

    boolean memory() { return memory; }

    boolean idle() { return idle; }

    /** Before scanning {@code node}: idle time is not kept under an LFU policy, and OBJECT IDLETIME errors there. */
    void policyOf(RedisNode node, String maxmemoryPolicy) {
        if (idle && maxmemoryPolicy != null && maxmemoryPolicy.toLowerCase(Locale.ROOT).contains("lfu")) {
            idle = false;
            notes.add("Idle time is unknown: it is not kept under the " + maxmemoryPolicy + " policy (Redis "
                    + node.id() + " tracks access frequency instead).");
        }
    }

    void ttlRefused(RedisNode node, String error) {
        if (!ttl) return;
        ttl = false;
        notes.add("TTLs are unknown: " + why("PTTL", node, error));
    }

    void memoryRefused(RedisNode node, String error) {
        if (!memory) return;
        memory = false;
        notes.add("Memory per family is unknown: " + why("MEMORY USAGE", node, error));
    }

    void idleRefused(RedisNode node, String error) {
        if (!idle) return;
        idle = false;
        if (error.contains("LFU")) notes.add("Idle time is unknown: it is not kept under an LFU maxmemory policy (Redis " + node.id() + ").");
        else notes.add("Idle time is unknown: " + why("OBJECT IDLETIME", node, error));
    }

    void note(String text) {
        notes.add(text);
    }

    List<String> notes() { return new ArrayList<>(notes); }

    private static String why(String command, RedisNode node, String error) {
        String e = error == null ? "" : error;
        if (e.startsWith("NOPERM") || e.contains("no permissions"))
            return command + " is not allowed for this Redis user on " + node.id() + " (" + e + ").";
        if (e.contains("unknown command") || e.contains("unknown subcommand") || e.contains("Unknown subcommand"))
            return command + " is not supported by this server (" + node.id() + ": " + e + ").";
        return "Redis " + node.id() + " refused " + command + " (" + e + ").";
    }
}
