import { Controller, type Type } from '@nestjs/common';
import { Ctx, EventPattern, type KafkaContext } from '@nestjs/microservices';
import { fromKafkaContext, KafkaEventRouter } from '@lsc/messaging';
import type { MembershipTopics } from '../topics';

/**
 * The Kafka entry points only hand messages to the router. Built per configuration because @EventPattern needs the
 * topic names when the class is declared (tests run on suffixed topics).
 */
export function kafkaConsumersFor(topics: MembershipTopics): Type<unknown> {
  @Controller()
  class MembershipKafkaConsumers {
    constructor(private readonly router: KafkaEventRouter) {}

    @EventPattern(topics.identity)
    identity(_payload: unknown, @Ctx() ctx: KafkaContext) {
      return this.router.dispatch(fromKafkaContext(ctx));
    }

    @EventPattern(topics.billing)
    billing(_payload: unknown, @Ctx() ctx: KafkaContext) {
      return this.router.dispatch(fromKafkaContext(ctx));
    }
  }
  return MembershipKafkaConsumers;
}
