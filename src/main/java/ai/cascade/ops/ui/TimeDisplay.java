package ai.cascade.ops.ui;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Times as people read them: the local zone by default, UTC on demand. The database holds UTC
 * in TIMESTAMP columns, so a LocalDateTime from it is read as UTC.
 */
public final class TimeDisplay {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private final BooleanProperty utc = new SimpleBooleanProperty(false);
    private final ZoneId local;

    public TimeDisplay(ZoneId local) {
        this.local = local;
    }

    public BooleanProperty utcProperty() { return utc; }

    public String format(Instant instant) {
        if (instant == null) return "—";
        ZoneId zone = utc.get() ? ZoneOffset.UTC : local;
        return FORMAT.format(instant.atZone(zone)) + (utc.get() ? " UTC" : "");
    }

    /** A value of a TIMESTAMP column, which holds UTC. */
    public String formatUtc(LocalDateTime utcValue) {
        return utcValue == null ? "—" : format(utcValue.toInstant(ZoneOffset.UTC));
    }

    public String zoneLabel() {
        return utc.get() ? "UTC" : "local (" + local.getId() + ")";
    }
}
