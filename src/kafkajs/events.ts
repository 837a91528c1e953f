/**
 * KafkaJS's instrumentation events: `client.on(client.events.X, listener)` returns the function
 * that removes the listener; each event is `{ id, type, timestamp, payload }`.
 */
import { EventEmitter } from 'node:events'

export interface InstrumentationEvent<T> {
  id: string
  type: string
  timestamp: number
  payload: T
}

export type RemoveInstrumentationEventListener<T> = () => void

let nextId = 0

/** The events of one facade client. */
export class Instrumentation<Names extends string> {
  private readonly emitter = new EventEmitter()
  private readonly known: ReadonlySet<string>

  constructor(names: Readonly<Record<string, Names>>) {
    this.known = new Set(Object.values(names))
  }

  /**
   * @throws TypeError (as KafkaJS's KafkaJSNonRetriableError) for an event name this client does not have
   */
  on(eventName: Names, listener: (event: InstrumentationEvent<unknown>) => void, onUnknown: (name: string) => Error): RemoveInstrumentationEventListener<Names> {
    if (!this.known.has(eventName)) throw onUnknown(String(eventName))
    this.emitter.on(eventName, listener)
    return () => {
      this.emitter.off(eventName, listener)
    }
  }

  emit<T>(type: Names, payload: T): void {
    if (this.emitter.listenerCount(type) === 0) return
    const event: InstrumentationEvent<T> = { id: String(++nextId), type, timestamp: Date.now(), payload }
    this.emitter.emit(type, event)
  }
}
