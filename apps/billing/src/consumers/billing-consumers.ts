import { Controller, Inject, Injectable, type OnModuleInit, type Type } from '@nestjs/common';
import { Ctx, EventPattern, type KafkaContext } from '@nestjs/microservices';
import { ApplicationCancelled, ApplicationSubmitted, InstitutionNameChanged, PaymentOrderPaid, type IntegrationEvent } from '@lsc/contracts';
import type { CommandMetadata } from '@lsc/event-sourcing';
import { KafkaEventRouter, fromKafkaContext } from '@lsc/messaging';
import { PaymentOrders } from '../orders/payment-orders';
import { Invoices } from '../invoices/invoices';

/** The consumed topics come from configuration (tests use their own); the handler only hands over to the router. */
export function consumerController(topics: string[]): Type<unknown> {
  @Controller()
  class BillingConsumer {
    constructor(@Inject(KafkaEventRouter) private readonly router: KafkaEventRouter) {}

    @EventPattern(topics)
    handle(_payload: unknown, @Ctx() ctx: KafkaContext) {
      return this.router.dispatch(fromKafkaContext(ctx));
    }
  }
  return BillingConsumer;
}

const metadataOf = (event: IntegrationEvent, actor: string): CommandMetadata => ({ now: new Date().toISOString(), actor, correlationId: event.correlationId ?? event.eventId });

/** What billing does with each event it consumes; each runs in the inbox transaction (exactly-once effects). */
@Injectable()
export class BillingEventHandlers implements OnModuleInit {
  constructor(
    private readonly router: KafkaEventRouter,
    private readonly orders: PaymentOrders,
    private readonly invoices: Invoices,
  ) {}

  onModuleInit(): void {
    this.router
      .on(ApplicationSubmitted, async (event, { client }) => {
        await this.orders.issueForApplication(event.data, metadataOf(event, 'system:membership'), client);
      })
      .on(ApplicationCancelled, async (event, { client }) => {
        await this.orders.cancelForApplication(event.data.applicationId, event.data.reason, metadataOf(event, 'system:membership'), client);
      })
      .on(InstitutionNameChanged, async (event, { client }) => {
        await this.orders.renameInstitution(event.data.institutionId, event.data.previousName, event.data.name, client);
      })
      // Billing's own fact: invoicing runs after the payment commits, so a slow PDF never holds up reconciliation.
      .on(PaymentOrderPaid, async (event, { client }) => {
        await this.invoices.issueForPaidOrder(event.data.orderId, metadataOf(event, 'system:invoicing'), client);
      });
  }
}
