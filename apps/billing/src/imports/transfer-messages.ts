import { PaymentMatched, TransferImported, TransferUnmatchedV2Contract, type TransferUnmatchedV2, type TransferV1 } from '@lsc/contracts';
import type { OutboxMessage } from '@lsc/event-sourcing';
import type { PossibleDuplicate } from '../reconciliation';

/** Field limits of the TransferV1 contract: bank exports occasionally carry longer text, which consumers would reject. */
export function transferPayload(t: { transferId: string; statementId: string; bankReference: string | null; bookedOn: string; amountFen: number; payerName: string; payerAccount: string; remark: string }, at: string): TransferV1 {
  return {
    transferId: t.transferId,
    statementId: t.statementId,
    bankReference: (t.bankReference ?? '').slice(0, 100),
    bookedOn: t.bookedOn,
    amountFen: t.amountFen,
    payerName: t.payerName.slice(0, 200),
    payerAccount: t.payerAccount.slice(0, 64),
    remark: t.remark.slice(0, 500),
    at,
  };
}

/**
 * TransferUnmatched v2: why no open order took the transfer (the inbox's notes) and, for a repeat of a settled
 * order's payment, which order. Within the contract's limits: at most 10 notes of 500 characters.
 */
export function unmatchedPayload(transfer: TransferV1, notes: readonly string[], possibleDuplicate?: PossibleDuplicate): TransferUnmatchedV2 {
  const payload: TransferUnmatchedV2 = { ...transfer, notes: notes.slice(0, 10).map((n) => n.slice(0, 500)) };
  if (possibleDuplicate) {
    const { order, confidence } = possibleDuplicate;
    payload.possibleDuplicateOf = {
      orderId: order.orderId,
      institutionId: order.institutionId,
      institutionName: order.institutionName.slice(0, 200),
      paymentCode: order.paymentCode,
      amountDueFen: order.amountDueFen,
      confidence: Math.min(1, Math.max(0, Math.round(confidence * 1000) / 1000)),
    };
  }
  return payload;
}

type Message = { topic: string; key: string; type: string; schemaVersion?: number; data: object; at: string; correlationId: string; eventId: string; streamId: string };
const message = (m: Message): OutboxMessage => ({
  topic: m.topic,
  key: m.key,
  event: { eventId: m.eventId, streamId: m.streamId, occurredAt: m.at, correlationId: m.correlationId, type: m.type, schemaVersion: m.schemaVersion ?? 1, data: m.data },
});

export const transferImportedMessage = (topic: string, payload: TransferV1, eventId: string, correlationId: string): OutboxMessage =>
  message({ topic, key: payload.transferId, streamId: payload.transferId, type: TransferImported.type, data: payload, at: payload.at, correlationId, eventId });

export const transferUnmatchedMessage = (topic: string, payload: TransferUnmatchedV2, eventId: string, correlationId: string): OutboxMessage =>
  message({
    topic,
    key: payload.transferId,
    streamId: payload.transferId,
    type: TransferUnmatchedV2Contract.type,
    schemaVersion: TransferUnmatchedV2Contract.schemaVersion,
    data: payload,
    at: payload.at,
    correlationId,
    eventId,
  });

export function paymentMatchedMessage(
  topic: string,
  m: { matchId: string; transferId: string; allocations: readonly { orderId: string; amountFen: number }[]; mode: 'auto' | 'manual'; confidence: number; reasons: readonly string[]; actor?: string; at: string },
  eventId: string,
  correlationId: string,
): OutboxMessage {
  const data = {
    matchId: m.matchId,
    transferId: m.transferId,
    allocations: m.allocations.map((a) => ({ orderId: a.orderId, amountFen: a.amountFen })),
    mode: m.mode,
    confidence: Math.min(1, Math.max(0, Math.round(m.confidence * 1000) / 1000)),
    reasons: [...m.reasons],
    ...(m.actor ? { actor: m.actor.slice(0, 100) } : {}),
    at: m.at,
  };
  return message({ topic, key: m.transferId, streamId: m.transferId, type: PaymentMatched.type, data, at: m.at, correlationId, eventId });
}
