package ai.cascade.ops.testing;

import ai.cascade.ops.cache.RedisConnection;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The test Redis ({@link TestServers#freshRedis()}) for one test class whose tests change the server: emptied before
 * each test, the settings they change (CONFIG SET) set back after each to what they were before the class, and the
 * client closed after the class. Other classes share the server, so no setting may outlive a test.
 * <pre>{@code
 * @RegisterExtension static final TestRedis server = new TestRedis("maxmemory", "maxmemory-policy");
 * @BeforeAll static void connect() { redis = server.connection(); }
 * }</pre>
 * The callbacks of a static field run before the class's {@code @BeforeAll} and {@code @BeforeEach} methods and
 * after its {@code @AfterEach} and {@code @AfterAll} methods.
 */
public final class TestRedis implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
    private final List<String> settings;
    private final Map<String, String> before = new LinkedHashMap<>();
    private RedisConnection redis;

    /** {@code settings}: the CONFIG parameters the class's tests may change. */
    public TestRedis(String... settings) {
        this.settings = List.of(settings);
    }

    public RedisConnection connection() {
        return redis;
    }

    /** What {@code setting} was before the class ran (and is again after each test). */
    public String before(String setting) {
        String value = before.get(setting);
        if (value == null) throw new IllegalArgumentException(setting + " is not one of the settings this TestRedis keeps: " + settings);
        return value;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        redis = TestServers.freshRedis();
        for (String s : settings) before.put(s, redis.run("CONFIG GET " + s, c -> c.configGet(s).get(s)));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        redis.run("FLUSHALL", c -> c.flushall());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        redis.run("setting back what the test changed", c -> {
            before.forEach(c::configSet);
            return null;
        });
    }

    @Override
    public void afterAll(ExtensionContext context) {
        redis.close();
    }
}
