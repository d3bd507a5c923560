package p2pbrs.server;

import java.util.Optional;
import java.util.function.BiFunction;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.store.BackupStore;
import p2pbrs.store.BackupTx;

/** How the backup handlers run a request: identified by its token, in one transaction. */
final class Transactions {
    private Transactions() {
    }

    /**
     * Runs a change once: a retransmission gets the logged reply; otherwise the caller is
     * identified by its token (or denied) and the work runs, all in one transaction.
     */
    static Message once(BackupStore store, Message request, String token, String sender, Command denial,
                        BiFunction<BackupTx, Caller, Message> work) {
        return once(store, null, request, token, sender, denial, work);
    }

    /**
     * As {@link #once(BackupStore, Message, String, String, Command, BiFunction)}, under a
     * lock the work needs held until its commit (the planner's: free space read and
     * reserved). The transaction may be committed together with other requests' (group
     * commit): the reply is returned only once it is committed, so it still means committed.
     */
    static Message once(BackupStore store, Object exclusive, Message request, String token, String sender,
                        Command denial, BiFunction<BackupTx, Caller, Message> work) {
        return store.groupedTransaction(exclusive, tx -> {
            Optional<Message> logged = RequestLog.replay(tx.registry(), sender, request);
            return logged.orElseGet(() -> withCaller(store, tx, request.rq(), token, denial, work));
        });
    }

    /** Runs a read in one transaction, for an identified caller only. */
    static Message identified(BackupStore store, String rq, String token, Command denial,
                              BiFunction<BackupTx, Caller, Message> work) {
        return store.transaction(tx -> withCaller(store, tx, rq, token, denial, work));
    }

    private static Message withCaller(BackupStore store, BackupTx tx, String rq, String token, Command denial,
                                      BiFunction<BackupTx, Caller, Message> work) {
        Caller caller = Caller.identify(tx.registry(), store.knownPeers(), token);
        return caller.known() ? work.apply(tx, caller) : Message.of(denial, rq, caller.denial());
    }
}
