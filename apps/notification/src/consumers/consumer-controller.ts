import { Controller, type Type } from '@nestjs/common';
import { Ctx, EventPattern, type KafkaContext } from '@nestjs/microservices';
import { fromKafkaContext, KafkaEventRouter } from '@lsc/messaging';

export interface ConsumedTopics {
  readonly identity: string;
  readonly membership: string;
  readonly billing: string;
}

/**
 * Built per configuration because @EventPattern needs the topic names when the class is declared (tests run on
 * their own topics). The handlers only hand the message to the router.
 */
export function consumerController(topics: ConsumedTopics): Type<unknown> {
  @Controller()
  class NotificationConsumer {
    constructor(private readonly router: KafkaEventRouter) {}

    @EventPattern(topics.identity)
    identity(@Ctx() ctx: KafkaContext) {
      return this.router.dispatch(fromKafkaContext(ctx));
    }

    @EventPattern(topics.membership)
    membership(@Ctx() ctx: KafkaContext) {
      return this.router.dispatch(fromKafkaContext(ctx));
    }

    @EventPattern(topics.billing)
    billing(@Ctx() ctx: KafkaContext) {
      return this.router.dispatch(fromKafkaContext(ctx));
    }
  }
  return NotificationConsumer;
}
