import { Inject, Injectable } from '@nestjs/common';
import type { Pool, QueryResultRow } from 'pg';
import { PG_POOL } from '@lsc/messaging';
import { ApiError } from '@lsc/service-kit';
import { coverageOn, shanghaiDate, type Term } from '../domain';
import type { MembershipSearchQuery } from './dto';

/** Queries over the projection views (my_applications, staff_memberships) joined with the institutions copy. */
@Injectable()
export class ReadModels {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  private async query<R extends QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (err) {
      // The view appears once the projection's first build finished (seconds after a fresh start).
      if ((err as { code?: string }).code === '42P01') throw new ApiError(503, 'READ_MODEL_NOT_READY', '数据准备中，请稍后再试');
      throw err;
    }
  }

  async applicationsOf(institutionId: string | undefined) {
    const rows = await this.query<Record<string, unknown>>(
      `select application_id, institution_id, institution_name, kind, status, qualification_code, qualification_name, staff_tier_name, organisation_type, years,
              fee_per_year_fen::int, amount_due_fen::int, to_char(term_start, 'YYYY-MM-DD') as term_start, to_char(term_end, 'YYYY-MM-DD') as term_end,
              payment_order, to_char(paid_on, 'YYYY-MM-DD') as paid_on, started_at, updated_at
         from my_applications where ($1::uuid is null or institution_id = $1) order by started_at desc limit 200`,
      [institutionId ?? null],
    );
    return rows.map((r) => ({
      applicationId: r.application_id,
      institutionId: r.institution_id,
      institutionName: r.institution_name,
      kind: r.kind,
      status: r.status,
      qualification: { code: r.qualification_code, name: r.qualification_name },
      staffTierName: r.staff_tier_name,
      organisationType: r.organisation_type,
      years: r.years,
      feePerYearFen: r.fee_per_year_fen,
      amountDueFen: r.amount_due_fen,
      termStart: r.term_start,
      termEnd: r.term_end,
      paymentOrder: r.payment_order ?? undefined,
      paidOn: r.paid_on ?? undefined,
      startedAt: r.started_at,
      updatedAt: r.updated_at,
    }));
  }

  async searchMemberships(q: MembershipSearchQuery) {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (q.name) add((p) => `i.name ilike '%' || ${p} || '%'`, q.name.replace(/[\\%_]/g, (c) => `\\${c}`));
    if (q.memberNumber) add((p) => `m.member_number = ${p}`, q.memberNumber);
    if (q.status) add((p) => `m.status = ${p}`, q.status);
    if (q.provinceCode) add((p) => `coalesce(i.region->>'provinceCode', m.mailing_address->'region'->>'provinceCode') = ${p}`, q.provinceCode);
    if (q.qualificationCode) add((p) => `m.qualification_code = ${p}`, q.qualificationCode);
    if (q.expiresFrom) add((p) => `m.valid_to >= ${p}::date`, q.expiresFrom);
    if (q.expiresTo) add((p) => `m.valid_to <= ${p}::date`, q.expiresTo);
    const pageSize = q.pageSize ?? 20;
    const page = q.page ?? 1;
    const filter = where.length ? `where ${where.join(' and ')}` : '';
    const [count] = await this.query<{ n: number }>(`select count(*)::int as n from staff_memberships m left join ms_institutions i using (institution_id) ${filter}`, params);
    const rows = await this.query<Record<string, unknown>>(
      `${MEMBERSHIP_SELECT} ${filter} order by m.member_number nulls last limit ${pageSize} offset ${(page - 1) * pageSize}`,
      params,
    );
    return { total: count.n, page, pageSize, items: rows.map(staffMembershipRow) };
  }

  async certificates(status: 'due' | 'mailed') {
    const rows = await this.query<Record<string, unknown>>(
      `${MEMBERSHIP_SELECT} where ${status === 'due' ? `m.certificate_due and m.status = 'active'` : 'not m.certificate_due and m.last_mailing is not null'} order by m.updated_at`,
      [],
    );
    return rows.map(staffMembershipRow);
  }
}

const MEMBERSHIP_SELECT = `
  select m.membership_id, m.institution_id, i.name as institution_name, i.region as institution_region, m.member_number, m.status,
         m.qualification_code, m.qualification_name, to_char(m.member_since, 'YYYY-MM-DD') as member_since,
         to_char(m.valid_from, 'YYYY-MM-DD') as valid_from, to_char(m.valid_to, 'YYYY-MM-DD') as valid_to, m.activations,
         m.certificate_due, m.certificate_application_id, m.mailing_address, m.last_mailing, m.terms
    from staff_memberships m left join ms_institutions i using (institution_id)`;

function staffMembershipRow(r: Record<string, unknown>) {
  // Which term is current depends on today: a paid renewal shows as renewedTerm until its first day.
  const coverage = coverageOn((r.terms ?? []) as Term[], shanghaiDate(new Date().toISOString()));
  return {
    membershipId: r.membership_id,
    institutionId: r.institution_id,
    institutionName: r.institution_name ?? undefined,
    institutionRegion: r.institution_region ?? undefined,
    memberNumber: r.member_number,
    status: r.status,
    qualification: r.qualification_code ? { code: r.qualification_code, name: r.qualification_name } : undefined,
    memberSince: r.member_since,
    validFrom: coverage.validFrom ?? r.valid_from,
    validTo: r.valid_to,
    ...(coverage.currentTerm ? { currentTerm: coverage.currentTerm } : {}),
    ...(coverage.renewedTerm ? { renewedTerm: coverage.renewedTerm } : {}),
    terms: r.activations,
    certificate: { due: r.certificate_due, applicationId: r.certificate_application_id ?? undefined, mailingAddress: r.mailing_address ?? undefined, lastMailing: r.last_mailing ?? undefined },
  };
}
