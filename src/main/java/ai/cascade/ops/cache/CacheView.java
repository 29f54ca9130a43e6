package ai.cascade.ops.cache;

import ai.cascade.ops.ui.PageSection;
import ai.cascade.ops.ui.SectionedPage;

import java.util.List;

/**
 * The cache page: hit rates over time, the application's key families, the key browser, Redis' slow commands and
 * Postgres' buffer cache, one tab each.
 */
public final class CacheView extends SectionedPage {
    public CacheView(List<PageSection> sections) {
        super("Cache", "cache", sections);
    }
}
