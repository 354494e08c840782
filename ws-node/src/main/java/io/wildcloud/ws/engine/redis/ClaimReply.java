package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.push.SessionRegistration;
import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * What claim.lua answered: {@code {outcome, expired, text, firstSeq, 0, msg...}}
 * (only the first two or three for OPENED, NOT_FOUND, CLOSED and BUSY); claim_open.lua answers
 * OPENED with its index join third ({@code joined}, null for claim.lua's).
 */
record ClaimReply(Claim claim, boolean expired, String busyHolder, long lastSeq, SessionRegistration joined) {

    static ClaimReply of(List<Object> reply) {
        String outcome = (String) reply.get(0);
        boolean expired = ((Long) reply.get(1)) == 1L;
        return switch (outcome) {
            case "OPENED" -> new ClaimReply(Claim.opened(), expired, null, 0,
                    reply.size() > 2 ? IndexJoins.registration((Long) reply.get(2)) : null);
            case "NOT_FOUND" -> new ClaimReply(Claim.notFound(), expired, null, 0, null);
            case "BUSY" -> new ClaimReply(Claim.busy(), expired, (String) reply.get(2), 0, null);
            case "CLOSED" -> new ClaimReply(Claim.closed(SockJsFrame.parse((String) reply.get(2))), expired, null,
                    0, null);
            case "ATTACHED" -> attached(reply, expired);
            default -> throw new IllegalStateException("claim.lua answered " + outcome);
        };
    }

    private static ClaimReply attached(List<Object> reply, boolean expired) {
        String closeFrame = (String) reply.get(2);
        long firstSeq = (Long) reply.get(3);
        List<QueuedMessage> pending = new ArrayList<>(reply.size() - 5);
        for (int i = 5; i < reply.size(); i++) {
            pending.add(new QueuedMessage(firstSeq + i - 5, (String) reply.get(i)));
        }
        Claim claim = Claim.attached(pending, closeFrame.isEmpty() ? null : SockJsFrame.parse(closeFrame));
        return new ClaimReply(claim, expired, null, firstSeq + pending.size() - 1, null);
    }
}
