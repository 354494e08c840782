package io.wildcloud.ws.push;

import io.wildcloud.ws.sockjs.session.Causes;
import io.wildcloud.ws.sockjs.session.StoreOutcomeUnknownException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A {@link SocketStore#publishAll} of which some targets were answered and others failed: a Redis
 * batch runs one script per Cluster slot (and per 256 targets or 1 MiB), and a later run may be
 * refused (out of memory, a master down) after an earlier one queued. The caller answers each
 * target for itself, so that its client resends only what failed; the caller's budget keeps what
 * was queued.
 */
public final class PartlyPublishedException extends RuntimeException {

    private final List<Optional<Publication>> answers;
    private final List<Throwable> errors;

    private PartlyPublishedException(List<Optional<Publication>> answers, List<Throwable> errors, Throwable first) {
        super(errors.stream().filter(e -> e != null).count() + " of " + answers.size()
                + " targets failed, the others were answered: " + first, first, false, false);
        this.answers = Collections.unmodifiableList(answers);
        this.errors = Collections.unmodifiableList(errors);
    }

    /** Each target's answer, {@code null} where it failed. */
    public List<Optional<Publication>> answers() {
        return answers;
    }

    /** Each target's failure (unwrapped), {@code null} where it was answered. */
    public List<Throwable> errors() {
        return errors;
    }

    /**
     * The answers of {@code targets}, once all are settled: the list when all were answered, a
     * failure when none was (one whose outcome is unknown if any, so that a 507 saying nothing was
     * queued stays true), else a {@link PartlyPublishedException}.
     */
    public static CompletionStage<List<Optional<Publication>>> gather(
            List<CompletableFuture<Optional<Publication>>> targets) {
        CompletableFuture<?>[] all = targets.toArray(CompletableFuture[]::new);
        // allOf fails as soon as one fails; wait for every one, failed or not.
        return CompletableFuture.allOf(java.util.Arrays.stream(all).map(f -> f.handle((a, e) -> null))
                .toArray(CompletableFuture[]::new)).thenApply(settled -> {
                    List<Optional<Publication>> answers = new ArrayList<>(targets.size());
                    List<Throwable> errors = new ArrayList<>(targets.size());
                    Throwable first = null;
                    int failed = 0;
                    for (CompletableFuture<Optional<Publication>> target : targets) {
                        if (target.isCompletedExceptionally()) {
                            Throwable error = Causes.unwrap(target.handle((a, e) -> e).join());
                            if (first == null || error instanceof StoreOutcomeUnknownException
                                    && !(first instanceof StoreOutcomeUnknownException)) {
                                first = error;
                            }
                            failed++;
                            answers.add(null);
                            errors.add(error);
                        } else {
                            answers.add(target.join());
                            errors.add(null);
                        }
                    }
                    if (failed == 0) {
                        return answers;
                    }
                    throw failed == targets.size() ? new CompletionException(first)
                            : new PartlyPublishedException(answers, errors, first);
                });
    }
}
