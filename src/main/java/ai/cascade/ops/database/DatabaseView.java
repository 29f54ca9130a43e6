package ai.cascade.ops.database;

import ai.cascade.ops.ui.PageSection;
import ai.cascade.ops.ui.SectionedPage;

import java.util.List;

/** The database page: pghero's checks, activity, statements, space, the pool and charts over time, one tab each. */
public final class DatabaseView extends SectionedPage {
    public DatabaseView(List<PageSection> sections) {
        super("Database", "database", sections);
    }
}
