import type { StoredEvent } from '@lsc/event-sourcing';
import { amountInWords } from '@lsc/validation';
import { coverageOn, shanghaiDate, type ApplicationState, type MembershipActivated, type MembershipState, type CertificateMailed } from '../domain';
import { coverageView } from './fee-views';
import type { HistoryRow } from '../write/lookups';

/**
 * What the guide's 申请信息 / 支付信息 pages show: 单位名称, 机构性质, 人员规模, 会员资格, 会费 (fen per year),
 * 资格期限, 应付金额 (fen), 资格日期, then the 寄送地址 and, once billing issued it, how to pay.
 */
export function applicationView(state: ApplicationState) {
  const a = state.application!;
  const s = state.submission;
  return {
    applicationId: a.applicationId,
    institutionId: a.institutionId,
    kind: a.kind,
    status: state.status,
    institutionName: a.institutionName,
    organisationType: a.organisationType,
    staffTier: a.staffTier,
    qualification: a.qualification,
    feePerYearFen: a.quote.feePerYearFen,
    years: a.years,
    amountDueFen: a.quote.amountDueFen,
    amountDueInWords: amountInWords(a.quote.amountDueFen),
    scheduleVersion: a.quote.scheduleVersion,
    /** The fee was a placeholder of the schedule (allowed only where FEE_SCHEDULE_REQUIRE_CONFIRMED is off). */
    feeIsPlaceholder: a.quote.placeholder === true,
    ...(a.membershipId ? { membershipId: a.membershipId } : {}),
    /** 资格日期: provisional until paid (a renewal continues the current term; a new term starts on payment). */
    termStart: a.termStart,
    termEnd: a.termEnd,
    /** The exact coverage dates in words (active from payment; a December joiner's paid term starts on 1 January). */
    coverage: coverageView(
      {
        termStart: a.termStart,
        termEnd: a.termEnd,
        startsNextYear: s?.startsNextYear ?? ((!a.currentTerm || a.currentTerm.expired) && a.termStart > shanghaiDate(a.startedAt)),
      },
      { renewal: Boolean(a.currentTerm && !a.currentTerm.expired), paid: state.status === 'paid' },
    ),
    startedAt: a.startedAt,
    ...(s
      ? {
          mailingAddress: s.mailingAddress,
          invoiceTitle: s.invoiceTitle,
          creditCode: s.creditCode,
          submittedAt: s.submittedAt,
          warnings: s.creditCodeWarning ? [s.creditCodeWarning] : [],
        }
      : {}),
    ...(state.order
      ? {
          paymentOrder: {
            orderId: state.order.orderId,
            amountDueFen: state.order.amountDueFen,
            amountDueInWords: amountInWords(state.order.amountDueFen),
            method: '银行转账',
            payee: state.order.payee,
            transferRemark: state.order.transferRemark,
            paymentCode: state.order.paymentCode,
          },
        }
      : {}),
    ...(state.paidOn ? { paidOn: state.paidOn } : {}),
    ...(state.status === 'cancelled' ? { cancelledAt: state.cancelledAt, cancelReason: state.cancelReason } : {}),
  };
}

/**
 * 我的会员资格 with a summary of its terms and certificate mailings. validFrom is where the current cover began and
 * validTo where all paid cover ends; currentTerm is the term running today and renewedTerm a paid renewal that has
 * not started yet, so a renewed member never looks uncovered until the renewal starts.
 */
export function membershipView(state: MembershipState, history: StoredEvent[], today = shanghaiDate(new Date().toISOString())) {
  const coverage = coverageOn(state.terms, today);
  const terms = history
    .filter((e) => e.type === 'MembershipActivated')
    .map((e) => {
      const d = (e as unknown as MembershipActivated).data;
      // A renewal whose payment was reversed (and not paid again) stays in the history, marked as not in force.
      const reversed = state.reversedTerms.some((t) => t.orderId === d.orderId);
      return { applicationId: d.applicationId, kind: d.kind, years: d.years, paidOn: d.paidOn, validFrom: d.validFrom, validTo: d.validTo, ...(reversed ? { paymentReversed: true } : {}) };
    });
  const certificates = history
    .filter((e) => e.type === 'CertificateMailed')
    .map((e) => {
      const d = (e as unknown as CertificateMailed).data;
      return { applicationId: d.applicationId, carrier: d.carrier, trackingNumber: d.trackingNumber, mailedAt: d.mailedAt };
    });
  return {
    membershipId: state.membershipId,
    institutionId: state.institutionId,
    status: state.status,
    memberNumber: state.memberNumber,
    memberSince: state.memberSince,
    qualification: state.qualification,
    validFrom: coverage.validFrom ?? state.validFrom,
    validTo: state.validTo,
    ...(coverage.currentTerm ? { currentTerm: coverage.currentTerm } : {}),
    ...(coverage.renewedTerm ? { renewedTerm: coverage.renewedTerm } : {}),
    certificateDue: state.certificateDue !== undefined,
    history: { terms, certificates },
  };
}

export function historyView(rows: HistoryRow[]) {
  return rows.map((r) => ({
    position: r.global_position,
    streamId: r.stream_id,
    streamType: r.stream_type,
    version: r.stream_version,
    type: r.event_type,
    at: r.metadata.occurredAt,
    actor: r.metadata.actor,
    data: r.data,
  }));
}
