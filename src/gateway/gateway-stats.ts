/**
 * HGETALL stats: Rafka's three counters, gateway-wide, reset by DEL stats.
 * - producer.unflushed.messages: records of closed connections not delivered within the close
 *   flush timeout (Rafka counts what its per-connection producer could not flush on close);
 * - producer.delivery.errors: records that failed (they are also reported to their connection's
 *   next DUMP);
 * - producer.unknown.events: always 0 here (librdkafka events kafkats does not have).
 */
export class GatewayStats {
  unflushedMessages = 0
  deliveryErrors = 0
  unknownEvents = 0

  /** Flat field/value list, values as decimal strings (Rafka's HGETALL reply). */
  toRedis(): string[] {
    return [
      'producer.unflushed.messages',
      String(this.unflushedMessages),
      'producer.delivery.errors',
      String(this.deliveryErrors),
      'producer.unknown.events',
      String(this.unknownEvents),
    ]
  }

  reset(): void {
    this.unflushedMessages = 0
    this.deliveryErrors = 0
    this.unknownEvents = 0
  }
}
