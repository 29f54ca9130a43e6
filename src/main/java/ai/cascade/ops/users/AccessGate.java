package ai.cascade.ops.users;

import ai.cascade.ops.backend.CancelSignal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The one record of a person opening one user's detail, which every part of the pane waits for before it
 * reads personal data. The first part to ask makes the record on its own thread (so parts waiting in a
 * small pool cannot starve it); the others wait for that attempt. A retry after a failed attempt makes a new one.
 */
final class AccessGate {
    private final UserDetails details;
    private final int userId;
    private CompletableFuture<UserDetails.Access> attempt;
    private volatile UserDetails.Access recorded;

    AccessGate(UserDetails details, int userId) {
        this.details = details;
        this.userId = userId;
    }

    /**
     * Returns once the access is recorded, or throws why it could not be. {@code retrying}: a part asking again
     * (its Retry, an on-demand load) makes a new attempt when the last one failed; a first ask joins it.
     */
    UserDetails.Access await(CancelSignal cancel, boolean retrying) throws InterruptedException {
        CompletableFuture<UserDetails.Access> mine = null;
        CompletableFuture<UserDetails.Access> current;
        synchronized (this) {
            if (attempt == null || retrying && attempt.isCompletedExceptionally()) attempt = mine = new CompletableFuture<>();
            current = attempt;
        }
        if (mine != null) {
            try {
                recorded = details.recordAccess(userId, cancel);
                mine.complete(recorded);
            } catch (RuntimeException | Error e) {   // complete in every case, or the waiting parts would wait forever
                mine.completeExceptionally(e);
            }
        }
        try {
            return current.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The record once made, else null. */
    UserDetails.Access recorded() {
        return recorded;
    }

    int userId() {
        return userId;
    }
}
