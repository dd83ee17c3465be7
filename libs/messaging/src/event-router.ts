import { Partitioners, type IHeaders, type Kafka, type Producer } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { ContractViolation, deadLetterTopic, findContract, validateAs, validateEnvelope, type Contract, type EventOf, type IntegrationEvent } from '@lsc/contracts';
import { withTransaction } from '@lsc/event-sourcing';
import { classifyError, describeError } from './errors';

/** A Kafka message as any consumer loop sees it (KafkaJS eachMessage, or NestJS's KafkaContext). */
export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | string | null;
  /** Raw bytes, or what NestJS's parser already decoded (a string or a JSON object). */
  value: Buffer | string | object | null;
  headers?: IHeaders;
  heartbeat?: () => Promise<void>;
}

export interface HandlerContext {
  /** The transaction that also records the event in the inbox: write effects with it to make them exactly-once. */
  client: PoolClient;
  message: IncomingMessage;
  /**
   * Runs `fn` once the transaction has committed (never if it rolls back or the event was a duplicate): for telling
   * in-process workers that rows they poll for now exist, without them seeing an uncommitted state.
   */
  afterCommit: (fn: () => void) => void;
}

export type EventHandler<E extends IntegrationEvent = IntegrationEvent> = (event: E, ctx: HandlerContext) => Promise<void>;

export type DispatchOutcome = 'processed' | 'duplicate' | 'ignored' | 'dead_lettered';

export interface EventRouterOptions {
  /** Inbox key space: one per consuming service (its consumer group). */
  consumer: string;
  transientAttempts?: number;
  maxDeliveries?: number;
  logger?: Logger;
  registry?: Registry;
  /**
   * Hold every message until `open()` is called. Handlers are registered in the application's init hooks, and a Kafka
   * transport can start delivering before those ran: a message dispatched then would be "ignored" (no handler) and its
   * offset committed — lost. Found by the chaos suite after a service restart.
   */
  waitForOpen?: boolean;
}

/**
 * Validates, de-duplicates and dispatches integration events. Effects and the inbox row commit together, so a
 * redelivered event is acknowledged and skipped. Invalid or unhandleable messages go to `<topic>.dlt` with the error in
 * headers and are then acknowledged; if that publish fails the message is not acknowledged. Transient failures are
 * retried with backoff inside the session timeout (heartbeating), then left to redelivery.
 */
export class KafkaEventRouter {
  private readonly handlers = new Map<string, EventHandler>();
  private readonly handledTypeNames = new Set<string>();
  private producer?: Producer;
  private readonly deliveries = new Map<string, number>();
  private readonly consumed?: Counter<'topic' | 'outcome'>;
  private readonly deadLetters?: Counter<'topic'>;
  private readonly options: Required<Pick<EventRouterOptions, 'consumer' | 'transientAttempts' | 'maxDeliveries'>> & EventRouterOptions;
  private markOpen!: () => void;
  private readonly opened = new Promise<void>((resolve) => (this.markOpen = resolve));

  constructor(
    private readonly pool: Pool,
    private readonly kafka: Kafka,
    options: EventRouterOptions,
  ) {
    this.options = { transientAttempts: 5, maxDeliveries: 10, ...options };
    if (!options.waitForOpen) this.markOpen();
    if (options.registry) {
      this.consumed =
        (options.registry.getSingleMetric('kafka_messages_consumed_total') as Counter<'topic' | 'outcome'> | undefined) ??
        new Counter({ name: 'kafka_messages_consumed_total', help: 'Kafka messages handled, by outcome', labelNames: ['topic', 'outcome'], registers: [options.registry] });
      this.deadLetters = new Counter({ name: 'dead_letters_total', help: 'Messages sent to a dead-letter topic', labelNames: ['topic'], registers: [options.registry] });
    }
  }

  on<C extends Contract>(contract: C, handler: EventHandler<EventOf<C>>): this {
    this.handlers.set(`${contract.type}@${contract.schemaVersion}`, handler as unknown as EventHandler);
    this.handledTypeNames.add(contract.type);
    return this;
  }

  /** Every handler is registered: messages held since the transport started may now be dispatched. */
  open(): void {
    this.markOpen();
  }

  get handledTypes(): string[] {
    return [...this.handlers.keys()];
  }

  async dispatch(message: IncomingMessage): Promise<DispatchOutcome> {
    await this.opened;
    const outcome = await this.dispatchInner(message);
    this.consumed?.inc({ topic: message.topic, outcome });
    // One line per message at debug level: with LOG_LEVEL=debug an offset can be traced to what became of it.
    this.options.logger?.debug({ topic: message.topic, partition: message.partition, offset: message.offset, eventId: headerText(message.headers?.['event-id']), outcome }, 'message dispatched');
    return outcome;
  }

  private async dispatchInner(message: IncomingMessage): Promise<DispatchOutcome> {
    let event: IntegrationEvent;
    try {
      event = parseEnvelope(message.value);
    } catch (err) {
      await this.deadLetter(message, err);
      return 'dead_lettered';
    }
    // A valid event of a type this service does not consume is for other services: acknowledge it.
    const handler = this.handlers.get(`${event.type}@${event.schemaVersion}`);
    if (!handler) {
      // A version we cannot read of a type we do consume is data we would lose by skipping it: park it until upgraded.
      if (this.handledTypeNames.has(event.type)) {
        const handled = [...this.handlers.keys()].filter((k) => k.startsWith(`${event.type}@`)).map((k) => k.split('@')[1]).join(', ');
        await this.deadLetter(message, new ContractViolation([{ field: 'schemaVersion', rule: 'isSupportedVersion', message: `${event.type} v${event.schemaVersion} is not handled here (handled: v${handled})` }]), event);
        return 'dead_lettered';
      }
      return 'ignored';
    }
    try {
      const contract = findContract(event.type, event.schemaVersion)!;
      validateAs(contract.payload, event.data, contract.name);
    } catch (err) {
      await this.deadLetter(message, err, event);
      return 'dead_lettered';
    }

    const deliveryKey = `${message.topic}/${message.partition}/${message.offset}`;
    const delivery = (this.deliveries.get(deliveryKey) ?? 0) + 1;
    this.deliveries.set(deliveryKey, delivery);
    for (let attempt = 1; ; attempt++) {
      try {
        const committed: Array<() => void> = [];
        const duplicate = await withTransaction(this.pool, async (client) => {
          const inserted = await client.query('insert into es_inbox (consumer, event_id, event_type) values ($1, $2, $3) on conflict do nothing', [this.options.consumer, event.eventId, event.type]);
          if (inserted.rowCount === 0) return true;
          await handler(event, { client, message, afterCommit: (fn) => committed.push(fn) });
          return false;
        });
        this.deliveries.delete(deliveryKey);
        for (const fn of committed) {
          try {
            fn();
          } catch (err) {
            // The effect is committed; a failing notification of it must not turn into a redelivery.
            this.options.logger?.warn({ err: describeError(err), eventId: event.eventId }, 'after-commit callback failed');
          }
        }
        return duplicate ? 'duplicate' : 'processed';
      } catch (err) {
        if (classifyError(err) === 'permanent') {
          await this.deadLetter(message, err, event);
          this.deliveries.delete(deliveryKey);
          return 'dead_lettered';
        }
        if (attempt >= this.options.transientAttempts) {
          if (delivery >= this.options.maxDeliveries) {
            await this.deadLetter(message, err, event, 'retries exhausted');
            this.deliveries.delete(deliveryKey);
            return 'dead_lettered';
          }
          this.options.logger?.warn({ err: describeError(err), eventId: event.eventId, delivery }, 'transient failure; leaving the message for redelivery');
          throw err;
        }
        this.options.logger?.debug({ err: describeError(err), attempt }, 'transient failure; retrying');
        await sleep(Math.min(200 * 2 ** (attempt - 1), 4000));
        await message.heartbeat?.().catch(() => undefined);
      }
    }
  }

  private async deadLetter(message: IncomingMessage, err: unknown, event?: IntegrationEvent, reason?: string): Promise<void> {
    const producer = await this.ensureProducer();
    const value = message.value === null ? null : Buffer.isBuffer(message.value) || typeof message.value === 'string' ? message.value : JSON.stringify(message.value);
    const headers: IHeaders = {
      ...(message.headers ?? {}),
      'dlt-original-topic': message.topic,
      'dlt-original-partition': String(message.partition),
      'dlt-original-offset': message.offset,
      'dlt-consumer': this.options.consumer,
      'dlt-error-class': err instanceof ContractViolation ? 'contract_violation' : reason ? 'retries_exhausted' : classifyError(err),
      'dlt-error': describeError(err),
      'dlt-failed-at': new Date().toISOString(),
    };
    // If this throws, the caller does not acknowledge the message: it will be redelivered, not lost.
    await producer.send({ topic: deadLetterTopic(message.topic), acks: -1, messages: [{ key: message.key, value, headers }] });
    this.deadLetters?.inc({ topic: message.topic });
    this.options.logger?.warn({ topic: message.topic, offset: message.offset, eventId: event?.eventId, err: describeError(err) }, 'message sent to dead-letter topic');
  }

  private async ensureProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }
}

function parseEnvelope(value: IncomingMessage['value']): IntegrationEvent {
  let plain: unknown = value;
  if (value === null) throw new ContractViolation([{ field: '(value)', rule: 'isDefined', message: 'message has no value' }]);
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    let text: string;
    try {
      // Fatal decoding: invalid UTF-8 must not turn into U+FFFD inside an otherwise valid name or address.
      text = typeof value === 'string' ? value : UTF8.decode(value);
    } catch {
      throw new ContractViolation([{ field: '(value)', rule: 'isUtf8', message: 'message value is not valid UTF-8' }]);
    }
    try {
      plain = JSON.parse(text);
    } catch {
      throw new ContractViolation([{ field: '(value)', rule: 'isJson', message: 'message value is not valid JSON' }]);
    }
  }
  validateEnvelope(plain);
  return plain as IntegrationEvent;
}

const headerText = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(Array.isArray(v) ? v[0] : v));
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
