package ai.cascade.ops.ui;

import javafx.scene.control.Label;

import java.time.Instant;

/**
 * The note above the "Over time" charts: a run of failed samples as one gap dated from its first ("Since 10:04:05:
 * no sample. Redis ... is unreachable. Sampling carries on."), then when it answered again; or an interval left out.
 * Hidden until there is something to say.
 */
public final class GapNote extends Label {
    private final TimeDisplay time;
    private Instant gapSince;

    public GapNote(String id, TimeDisplay time) {
        this.time = time;
        setId(id);
        setWrapText(true);
        getStyleClass().add("trends-note");
        managedProperty().bind(visibleProperty());
        setVisible(false);
    }

    /** A sample failed for {@code reason}. */
    public void gap(Instant at, String reason) {
        if (gapSince == null) gapSince = at;
        setText("Since " + time.format(gapSince) + ": no sample. " + sentence(reason) + " Sampling carries on.");
        setVisible(true);
    }

    /** Something about one interval (it was left out, say), at {@code at}. */
    public void event(Instant at, String note) {
        setText(time.format(at) + ": " + note);
        setVisible(true);
    }

    /** A sample succeeded: ends a gap in progress, saying since when the server answers again. */
    public void answered(Instant at) {
        if (gapSince == null) return;
        setText(getText() + " Answering again since " + time.format(at) + ".");
        gapSince = null;
    }

    private static String sentence(String s) {
        return s.endsWith(".") || s.endsWith("?") || s.endsWith("!") ? s : s + ".";
    }
}
