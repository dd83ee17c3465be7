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
  PaymentOrderPaid,
  PaymentReversed,
  type IntegrationEvent,
} from '@lsc/contracts';
import { KafkaEventRouter } from '@lsc/messaging';
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
      .on(PaymentOrderIssued, async (e, { client }) => {
        const d = e.data;
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
      })
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
}
