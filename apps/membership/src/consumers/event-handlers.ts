import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  EmailChanged,
  FeeChanged,
  FeeScheduleVersionPublished,
  FeeScheduleVersionPublishedV2Contract,
  InstitutionNameChanged,
  InstitutionProfileUpdated,
  InstitutionRegistered,
  PaymentOrderIssued,
  PaymentOrderIssuedV2Contract,
  PaymentOrderPaid,
  upcastPaymentOrderIssuedV1,
  type PaymentOrderIssuedV2,
  PaymentReversed,
  type IntegrationEvent,
} from '@lsc/contracts';
import { KafkaEventRouter } from '@lsc/messaging';
import type { PoolClient } from 'pg';
import type { RecordPaymentReversalData } from '../domain';
import { metadata, MembershipCommands } from '../write/membership-commands';
import * as institutions from './institutions';
import * as feeSchedule from '../write/fee-schedule-read-model';

/** The upstream service named as actor on the events its facts cause. */
const fromBilling = (event: IntegrationEvent) => metadata('system:billing', { correlationId: event.correlationId });

/** Registers what membership does with identity's and billing's events; the router supplies inbox + transaction. */
@Injectable()
export class EventHandlers implements OnModuleInit {
  constructor(
    private readonly router: KafkaEventRouter,
    private readonly commands: MembershipCommands,
  ) {}

  onModuleInit(): void {
    this.router
      .on(InstitutionRegistered, (e, { client }) => institutions.institutionRegistered(client, e.data))
      .on(InstitutionNameChanged, (e, { client }) => institutions.institutionNameChanged(client, e.data))
      .on(InstitutionProfileUpdated, (e, { client }) => institutions.institutionProfileUpdated(client, e.data))
      .on(EmailChanged, (e, { client }) => institutions.emailChanged(client, e.data))
      .on(FeeScheduleVersionPublished, (e, { client }) => feeSchedule.recordVersionPublished(client, feeSchedule.fromV1(e.data), { fromV1: true }))
      .on(FeeScheduleVersionPublishedV2Contract, (e, { client }) => feeSchedule.recordVersionPublished(client, e.data))
      .on(FeeChanged, (e, { client }) => feeSchedule.recordFeeChanged(client, e.data))
      // v1 orders (already on the topic) read as v2 with their coverage unknown; membership keeps the term it decided.
      .on(PaymentOrderIssued, (e, { client }) => this.recordPaymentOrder(e, upcastPaymentOrderIssuedV1(e.data), client))
      .on(PaymentOrderIssuedV2Contract, (e, { client }) => this.recordPaymentOrder(e, e.data, client))
      .on(PaymentOrderPaid, async (e, { client }) => {
        await this.commands.markPaid(e.data.applicationId, e.data.institutionId, e.data.orderId, e.data.paidOn, fromBilling(e), client);
      })
      .on(PaymentReversed, async (e, { client }) => {
        // The contract admits only the four settlement statuses (validated before this handler runs).
        const d = e.data;
        await this.commands.recordPaymentReversal(
          d.applicationId,
          d.institutionId,
          { orderId: d.orderId, transferId: d.transferId, amountFen: d.amountFen, orderStatus: d.status as RecordPaymentReversalData['orderStatus'], reason: d.reason, reversedBy: d.reversedBy, reversedAt: d.at },
          fromBilling(e),
          client,
        );
      });
  }

  /** billing.PaymentOrderIssued (either version): the application now shows how to pay. */
  private async recordPaymentOrder(e: IntegrationEvent, d: PaymentOrderIssuedV2, client: PoolClient): Promise<void> {
    await this.commands.recordPaymentOrder(
      d.applicationId,
      d.institutionId,
      {
        orderId: d.orderId,
        amountDueFen: d.amountDueFen,
        payee: { ...d.payee },
        transferRemark: d.transferRemark,
        paymentCode: d.paymentCode,
        billed: { feePerYearFen: d.feePerYearFen, scheduleVersion: d.scheduleVersion },
      },
      fromBilling(e),
      client,
    );
  }
}
