package io.wildcloud.ws.sockjs;

import io.wildcloud.ws.common.sockjs.SockJsFrame;

/**
 * A service's answer to a new session ({@link SockJsService#onOpen}): open it, or refuse it with
 * a close frame, which the client then gets instead of the open frame.
 *
 * @param refusal the close frame of a refused session; {@code null} when admitted
 */
public record Admission(SockJsFrame refusal) {

    private static final Admission ADMITTED = new Admission(null);

    public Admission {
        if (refusal != null && refusal.kind() != SockJsFrame.Kind.CLOSE) {
            throw new IllegalArgumentException("a refusal is a close frame: " + refusal.text());
        }
    }

    public static Admission admitted() {
        return ADMITTED;
    }

    public static Admission refused(int code, String reason) {
        return new Admission(SockJsFrame.close(code, reason));
    }

    public boolean isAdmitted() {
        return refusal == null;
    }
}
