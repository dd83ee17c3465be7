import { parseYuan, plainYuan } from './money';

export interface AllocationDraft {
  orderId: string;
  institutionName: string;
  /** What the clerk typed, in 元. */
  amountText: string;
}

/**
 * Checks a split of one credit over several orders before it is sent: every amount a positive 元 figure, no order
 * twice, and the parts adding up to the credit exactly (the reconciler refuses anything else).
 */
export function checkAllocations(creditFen: number, drafts: readonly AllocationDraft[]): { allocations: Array<{ orderId: string; amountFen: number }>; problems: string[]; remainingFen: number } {
  const problems: string[] = [];
  const allocations: Array<{ orderId: string; amountFen: number }> = [];
  const seen = new Set<string>();
  for (const d of drafts) {
    const parsed = parseYuan(d.amountText);
    if ('error' in parsed) problems.push(`${d.institutionName}：${parsed.error}`);
    else allocations.push({ orderId: d.orderId, amountFen: parsed.fen });
    if (seen.has(d.orderId)) problems.push(`${d.institutionName}：同一缴费单不能重复分配`);
    seen.add(d.orderId);
  }
  if (drafts.length === 0) problems.push('请至少选择一张缴费单');
  const total = allocations.reduce((s, a) => s + a.amountFen, 0);
  const remainingFen = creditFen - total;
  if (problems.length === 0 && remainingFen !== 0) problems.push(remainingFen > 0 ? `尚有 ${plainYuan(remainingFen)} 元未分配` : `分配合计超出到账金额 ${plainYuan(-remainingFen)} 元`);
  return { allocations, problems, remainingFen };
}
