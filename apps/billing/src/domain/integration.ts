import { OverpaymentRecorded, PaymentOrderCancelled, PaymentOrderIssuedV2Contract, PaymentOrderPaid, PaymentOrderPartiallyPaid, PaymentReversed, type Contract } from '@lsc/contracts';
import { DomainError } from '@lsc/event-sourcing';
import { amountInWords } from '@lsc/validation';
import type { PaymentOrderEvent, PaymentOrderState } from './payment-order';

export interface IntegrationMessage {
  readonly contract: Contract;
  readonly data: object;
}
const message = <T extends object>(contract: Contract<string, T>, data: T): IntegrationMessage => ({ contract, data });

/** Maps a payment-order domain event to the billing integration events it publishes (`state`: the order's stream state). */
export function toIntegrationEvents(state: PaymentOrderState, event: PaymentOrderEvent): IntegrationMessage[] {
  if (event.type === 'PaymentOrderIssued') {
    const d = event.data;
    // v2 carries the term being paid; an order stored before billing recorded it says so (null), never a guess.
    return [message(PaymentOrderIssuedV2Contract, { ...d, payee: { ...d.payee }, coverage: d.coverage ? { ...d.coverage } : null, amountInWords: amountInWords(d.amountDueFen) })];
  }
  const order = state.order;
  if (!order) throw new DomainError('STREAM_STATE_INCOMPLETE', '流状态缺少缴费单，无法生成集成事件');
  const ids = { orderId: order.orderId, applicationId: order.applicationId, institutionId: order.institutionId };
  switch (event.type) {
    case 'PaymentApplied': {
      const d = event.data;
      if (d.resultingStatus !== 'partially_paid') return []; // full payment is announced by PaymentOrderPaid
      return [message(PaymentOrderPartiallyPaid, { ...ids, amountDueFen: order.amountDueFen, amountPaidFen: d.totalPaidFen, transferIds: [...d.transferIds], paidOn: d.bookedOn, at: d.at })];
    }
    case 'PaymentOrderPaid': {
      const d = event.data;
      return [message(PaymentOrderPaid, { ...ids, amountDueFen: order.amountDueFen, amountPaidFen: d.totalPaidFen, transferIds: [...d.transferIds], paidOn: d.paidOn, at: d.at })];
    }
    case 'OverpaymentRecorded': {
      const d = event.data;
      return [
        message(OverpaymentRecorded, {
          ...ids,
          amountDueFen: order.amountDueFen,
          amountPaidFen: d.totalPaidFen,
          transferIds: [...d.transferIds],
          paidOn: d.paidOn,
          at: d.at,
          creditFen: d.totalCreditFen,
        }),
      ];
    }
    case 'PaymentReceivedForCancelledOrder': {
      const d = event.data;
      // The whole amount is a credit: the order it was meant for no longer exists.
      return [message(OverpaymentRecorded, { ...ids, amountDueFen: order.amountDueFen, amountPaidFen: d.amountFen, transferIds: [d.transferId], paidOn: d.bookedOn, at: d.at, creditFen: d.amountFen })];
    }
    case 'PaymentOrderCancelled':
      return [message(PaymentOrderCancelled, { ...ids, reason: event.data.reason, at: event.data.at })];
    case 'PaymentReversed': {
      const d = event.data;
      return [
        message(PaymentReversed, {
          ...ids,
          transferId: d.transferId,
          amountFen: d.amountFen,
          amountDueFen: order.amountDueFen,
          amountPaidFen: d.totalPaidFen,
          status: d.resultingStatus,
          reason: d.reason,
          reversedBy: d.reversedBy.slice(0, 100),
          at: d.at,
        }),
      ];
    }
  }
}
