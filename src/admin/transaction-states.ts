/**
 * Transaction states as the transaction coordinator names them (Java's `TransactionState`):
 * the filter values of `admin.listTransactions`. Kept apart from transactions.ts so argument
 * checks do not load the transaction APIs.
 */

/** A transaction state. Results carry the broker's string as is, so a state added by a later Kafka still shows. */
export type TransactionState = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort' | 'PrepareEpochFence' | 'Dead'

/** Every state `listTransactions({ states })` accepts. */
export const TRANSACTION_STATES: readonly [TransactionState, ...TransactionState[]] = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'PrepareEpochFence', 'Dead']
