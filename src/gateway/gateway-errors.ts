/**
 * Errors of the gateway (docs/gateway.md). Client mistakes on a gateway connection are answered
 * in RESP and never thrown to the application; these classes are what the parser raises and what
 * `new Gateway()` / `listen()` throw.
 */
import { ClientErrorCode } from '../client-error-codes.js'
import { KafkaError } from '../errors.js'

/**
 * Bytes from a gateway client that are not a valid RESP2 request (or a request over
 * `maxRequestBytes`): the gateway answers `-ERR Protocol error: …` and closes that connection
 * only. Code `GATEWAY_PROTOCOL_ERROR`, not retriable.
 */
export class RespProtocolError extends KafkaError {
  constructor(message: string) {
    super(`Protocol error: ${message}`, { code: ClientErrorCode.GATEWAY_PROTOCOL_ERROR, retriable: false })
  }
}
