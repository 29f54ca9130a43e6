package ai.cascade.ops.ui;

import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.config.InvalidSettingException;

/** Turns any failure into the sentence a person sees: domain messages as they are, anything else without a stack trace. */
public final class Problems {
    private Problems() {}

    public static String describe(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException
                || t instanceof java.lang.reflect.InvocationTargetException) && t.getCause() != null) t = t.getCause();
        if (t instanceof BackendException || t instanceof InvalidSettingException || t instanceof ai.cascade.ops.backend.Refused)
            return t.getMessage();
        if (t instanceof java.util.concurrent.CancellationException) return "Cancelled.";
        String m = t.getMessage();
        return "Unexpected problem (" + t.getClass().getSimpleName() + ")" + (m == null || m.isBlank() ? "." : ": " + firstLine(m))
                + " Details are in the log.";
    }

    private static String firstLine(String m) {
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
