package p2pbrs.server;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.store.BackupTx;
import p2pbrs.store.RunKind;

/**
 * Refuses a backup or restore request and records the refusal as a failed run, in the
 * request's transaction. A refusal used to cost the server no write: so that an identity
 * repeating refused requests cannot make it write without end, each identity's refusals
 * are recorded at most {@link #PER_MINUTE} a minute; the rest are refused unrecorded.
 */
final class RefusedRuns {
    static final int PER_MINUTE = 60;

    private final RunKind kind;
    private final Command denial;
    private final Clock clock;
    private final PerKeyLimiter limiter = new PerKeyLimiter(PER_MINUTE);

    RefusedRuns(RunKind kind, Command denial, Clock clock) {
        this.kind = kind;
        this.denial = denial;
        this.clock = clock;
    }

    /** The refusal, recorded (within the caller's budget) as a failed run of this file. */
    Message refuse(BackupTx tx, Caller caller, String fileName, Integer version, String rq, String reason) {
        // The server's clock (which tests move), not System.nanoTime: a budget needs no more.
        Instant now = clock.instant();
        if (limiter.tryAcquire(Long.toString(caller.id()), now.toEpochMilli() * 1_000_000L)) {
            tx.history().refused(kind, caller.id(), fileName, version, reason,
                    OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
        }
        return Message.of(denial, rq, reason);
    }
}
