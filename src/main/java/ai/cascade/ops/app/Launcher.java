package ai.cascade.ops.app;

import ai.cascade.ops.config.AppDirectories;
import javafx.application.Application;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Entry point (not an Application subclass, so the app runs from a plain class path).
 * <pre>
 *   cascade-ops                         open the console (the demo when nothing is configured)
 *   cascade-ops --screenshots DIR       render every page to DIR/*.png offscreen and exit
 *   cascade-ops --migrate-ops [URL]     apply Ops' schema as an owner role (URL or DATABASE_URL)
 *   cascade-ops check [--profile NAME] [--json] [--timeout SECONDS]
 *                                       every health check once, for cron: exit 0 ok, 1 warning, 2 critical, 3 unreachable
 *   cascade-ops inventory [--profile NAME] [--json] [--counts] [--timeout SECONDS]
 *                                       every Redis key by family, for cron: exit 0 ok, 1 leak or partial, 3 unreachable
 * </pre>
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) {
        AppDirectories dirs = AppDirectories.forUser();
        // Before the first logger exists: logback.xml writes to this folder.
        System.setProperty("cascade.ops.logdir", dirs.logs().toString());
        trustTheSystemsCertificates();
        // A command, not the console: no toolkit, no demo, its own exit code.
        if (args.length > 0 && args[0].equals("check")) System.exit(CheckCommand.run(Arrays.copyOfRange(args, 1, args.length)));
        if (args.length > 0 && args[0].equals("inventory")) System.exit(InventoryCommand.run(Arrays.copyOfRange(args, 1, args.length)));
        Path screenshots = null;
        String stripeBase = null;
        boolean firstFrameProbe = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--screenshots" -> screenshots = Path.of(value(args, ++i, "--screenshots needs a folder"));
                case "--first-frame-probe" -> firstFrameProbe = true;
                case "--cds-training" -> {   // packaging: one start to the first frame whose classes go into the CDS archive
                    firstFrameProbe = true;
                    // on a display the archive also holds the desktop toolkit's classes; without one, offscreen
                    String display = System.getenv("DISPLAY");
                    if (display == null || display.isBlank()) headless();
                }
                case "--stripe-api-base" -> stripeBase = value(args, ++i, "--stripe-api-base needs a URL");
                case "--self-check" -> System.exit(SelfCheck.run(i + 1 < args.length ? args[i + 1] : null));
                case "--migrate-ops" -> System.exit(OpsMigrationCommand.run(i + 1 < args.length ? args[i + 1] : System.getenv("DATABASE_URL")));
                case "--help", "-h" -> {
                    System.out.println("Usage: cascade-ops [--screenshots DIR] | --migrate-ops [postgresql://owner@host/db]");
                    System.out.println("       cascade-ops check [--profile NAME] [--json] [--timeout SECONDS]   health checks for cron (check --help)");
                    System.out.println("       cascade-ops inventory [--profile NAME] [--json] [--counts] [--timeout SECONDS]   Redis keys by family (inventory --help)");
                    return;
                }
                default -> {
                    System.err.println("Unknown option " + args[i] + "; see --help");
                    System.exit(2);
                }
            }
        }
        if (screenshots != null) headless();
        warmUpWhileTheToolkitStarts();
        CascadeOpsApp.prepare(new Console.Options(screenshots, stripeBase, null, firstFrameProbe));
        Application.launch(CascadeOpsApp.class);
        System.exit(Console.exitCode());
    }

    /**
     * Initialises, on a second core, what the first frame needs and is slow to set up (logging, the icon
     * font's enumerations, FXML, JSON), while the JavaFX toolkit starts on the main thread.
     */
    private static void warmUpWhileTheToolkitStarts() {
        Thread t = new Thread(() -> {
            try {
                org.slf4j.LoggerFactory.getILoggerFactory();   // sets up logging (LogSetup)
                java.util.List<String> icons = new java.util.ArrayList<>(java.util.List.of("mdi2c-circle", "mdi2a-alert", "mdi2i-information-outline"));
                for (ViewId v : ViewId.values()) icons.add(v.icon());
                for (org.kordamp.ikonli.IkonHandler h : java.util.ServiceLoader.load(org.kordamp.ikonli.IkonHandler.class))
                    for (String icon : icons) if (h.supports(icon)) h.resolve(icon);
                Class.forName("javafx.fxml.FXMLLoader");
                new com.google.gson.Gson();
            } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
                // Only a head start: the FX thread loads whatever this did not.
                System.getLogger("cascade-ops").log(System.Logger.Level.DEBUG, "warm-up skipped: " + e);
            }
        }, "ops-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /**
     * The bundled runtime carries the JDK's own CA list; a company that inspects TLS adds its CA to the
     * operating system's store instead. Trust that store, as the distribution's own Java does.
     */
    private static void trustTheSystemsCertificates() {
        java.nio.file.Path system = Path.of("/etc/ssl/certs/java/cacerts");
        if (System.getProperty("javax.net.ssl.trustStore") == null && java.nio.file.Files.isReadable(system))
            System.setProperty("javax.net.ssl.trustStore", system.toString());
    }

    /** Offscreen rendering needs no display: Monocle's headless glass and the software pipeline. */
    private static void headless() {
        System.setProperty("glass.platform", "Monocle");
        System.setProperty("monocle.platform", "Headless");
        // The default headless screen (1280x800) is smaller than the window, which breaks its painter.
        System.setProperty("headless.geometry", "1920x1200-32");
        System.setProperty("prism.order", "sw");
        System.setProperty("prism.text", "t2k");
        System.setProperty("java.awt.headless", "true");
    }

    private static String value(String[] args, int i, String problem) {
        if (i >= args.length || args[i].startsWith("--")) {
            System.err.println(problem + ". Arguments were: " + Arrays.toString(args));
            System.exit(2);
        }
        return args[i];
    }
}
