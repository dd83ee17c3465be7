import { ServerKafka, type KafkaOptions } from '@nestjs/microservices';
import type { Logger } from 'pino';
import type { Metrics } from './metrics';

/**
 * Nest's Kafka transport, saying when its consumer is in its group. Nest reports connect, rebalance, crash and stop,
 * but not the join itself, and a service serves HTTP while its consumer is still joining (after a crash the join waits
 * for the coordinator to drop the dead member). The log line and `kafka_consumer_joined` show when events flow again.
 */
export class ObservedKafkaServer extends ServerKafka {
  constructor(
    options: KafkaOptions['options'],
    private readonly observer: { groupId: string; logger: Logger; metrics: Metrics },
  ) {
    super(options ?? {});
  }

  protected override registerConsumerEventListeners(): void {
    super.registerConsumerEventListeners();
    const consumer = this.consumer;
    if (!consumer) return;
    const { groupId, logger, metrics } = this.observer;
    const labels = { group: groupId };
    metrics.kafkaConsumerJoined.set(labels, 0);
    metrics.kafkaConsumerJoins.inc(labels, 0); // a series from the start, so increase() sees the first join
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      metrics.kafkaConsumerJoined.set(labels, 1);
      metrics.kafkaConsumerJoins.inc(labels);
      const partitions = Object.values(payload.memberAssignment).reduce((n, assigned) => n + assigned.length, 0);
      logger.info({ groupId, memberId: payload.memberId, isLeader: payload.isLeader, partitions, joinMs: payload.duration }, 'joined consumer group');
    });
    for (const event of [consumer.events.REBALANCING, consumer.events.CRASH, consumer.events.STOP, consumer.events.DISCONNECT]) {
      consumer.on(event, () => metrics.kafkaConsumerJoined.set(labels, 0));
    }
  }
}
