/**
 * The errors of the transactional producer (KIP-98, KIP-890), classified as the Java client's
 * TransactionManager does: fatal ({@link ProducerFencedError}, and broker errors such as
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED or INVALID_TXN_STATE kept as `ResponseError`s), abortable
 * ({@link TransactionAbortableError}), and misuse of the state machine
 * ({@link TransactionStateError}). docs/transactions.md has the table of what to do about each.
 */
import { ClientErrorCode } from '../client-error-codes.js'
import { KafkaError } from '../errors.js'

/**
 * Another producer with the same `transactionalId` called `initTransactions()` (it has a newer
 * epoch), or the coordinator bumped this producer's epoch (its transaction ran past
 * `transactionTimeoutMs` and was aborted): the broker answered PRODUCER_FENCED or
 * INVALID_PRODUCER_EPOCH. Fatal: this producer can do nothing more (every pending and later send
 * rejects with this error); close it and, if this process should still own the transactional
 * id, make a new producer and call `initTransactions()`. Code `PRODUCER_FENCED`, not retriable.
 */
export class ProducerFencedError extends KafkaError {
  readonly transactionalId: string

  constructor(message: string, transactionalId: string, cause?: unknown) {
    super(message, { code: 'PRODUCER_FENCED', retriable: false, cause })
    this.transactionalId = transactionalId
  }
}

/**
 * The current transaction cannot commit: a record of it failed (its own error is `cause`), or
 * the broker answered TRANSACTION_ABORTABLE, UNKNOWN_PRODUCER_ID, GROUP_AUTHORIZATION_FAILED, a
 * fenced group member (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, FENCED_INSTANCE_ID) and the like.
 * Call `abortTransaction()`; the producer is usable again after it and may retry the work in a
 * new transaction. Code `TRANSACTION_ABORTABLE`, not retriable as such.
 */
export class TransactionAbortableError extends KafkaError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'TRANSACTION_ABORTABLE', retriable: false, cause })
  }
}

/**
 * A transactional method was called in a state that does not allow it (send before
 * `beginTransaction()`, `commitTransaction()` twice, `beginTransaction()` inside a transaction,
 * anything before `initTransactions()`, a transactional method on a producer without
 * `transactionalId`). Nothing was sent; the message says what to call. Code
 * `TRANSACTION_STATE` ({@link ClientErrorCode}), not retriable.
 */
export class TransactionStateError extends KafkaError {
  /** The state the producer was in: 'uninitialized', 'ready', 'in-transaction', ... */
  readonly state: string

  constructor(message: string, state: string) {
    super(message, { code: ClientErrorCode.TRANSACTION_STATE, retriable: false })
    this.state = state
  }
}
