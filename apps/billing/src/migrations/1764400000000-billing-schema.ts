import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Billing's tables next to the event store. Rows written in the same transaction as the events they describe
 * (read models that must never lag the decision that depends on them, e.g. the reconciler's open orders).
 * Money is bigint fen.
 */
export class BillingSchema1764400000000 implements MigrationInterface {
  name = 'BillingSchema1764400000000';

  async up(q: QueryRunner): Promise<void> {
    // Payment codes come from a sequence: gaps are harmless here (unlike invoice numbers).
    await q.query('create sequence billing_payment_code_seq start with 1000');
    await q.query(`
      create table billing_orders (
        order_id uuid primary key,
        application_id uuid not null unique,
        institution_id uuid not null,
        institution_name text not null,
        qualification_code text not null,
        qualification_name text not null,
        staff_tier_code text not null,
        staff_tier_name text not null,
        years int not null,
        term_start date not null,
        term_end date not null,
        fee_per_year_fen bigint not null,
        amount_due_fen bigint not null,
        amount_paid_fen bigint not null default 0,
        credit_fen bigint not null default 0,
        status text not null check (status in ('unpaid', 'partially_paid', 'paid', 'overpaid', 'cancelled')),
        schedule_version text not null,
        payment_code text not null unique,
        transfer_remark text not null,
        invoice_title text not null,
        credit_code text not null,
        issued_at timestamptz not null,
        paid_on date,
        updated_at timestamptz not null default now()
      )`);
    await q.query('create index billing_orders_institution on billing_orders (institution_id)');
    await q.query('create index billing_orders_status on billing_orders (status)');
    await q.query(`create table billing_institutions (institution_id uuid primary key, name text not null, updated_at timestamptz not null default now())`);
    // Names and payer accounts learned from confirmed matches (and former names after a rename).
    await q.query(`
      create table billing_aliases (
        institution_id uuid not null, alias text not null, source text not null, learned_at timestamptz not null default now(),
        primary key (institution_id, alias)
      )`);
    await q.query(`
      create table billing_payer_accounts (
        institution_id uuid not null, account text not null, payer_name text not null, learned_at timestamptz not null default now(),
        primary key (institution_id, account)
      )`);
    await q.query(`
      create table billing_statements (
        statement_id uuid primary key,
        filename text not null,
        content_type text,
        content bytea not null,
        sha256 text not null,
        size int not null,
        format text not null,
        profile text not null,
        encoding text,
        account_number text,
        opening_balance_fen bigint,
        closing_balance_fen bigint,
        balance_check text not null,
        line_count int not null,
        credit_count int not null,
        new_credit_count int not null,
        duplicate_count int not null,
        debit_count int not null,
        rejected jsonb not null,
        auto_matched int not null default 0,
        suggested int not null default 0,
        unmatched int not null default 0,
        uploaded_by text not null,
        uploaded_at timestamptz not null default now()
      )`);
    await q.query(`
      create table billing_transfers (
        transfer_id uuid primary key,
        statement_id uuid not null references billing_statements (statement_id),
        line_number int not null,
        dedupe_key text not null,
        bank_reference text,
        content_hash text not null,
        booked_on date not null,
        amount_fen bigint not null,
        payer_name text not null,
        payer_account text not null,
        remark text not null,
        status text not null check (status in ('matched', 'suggested', 'unmatched', 'rejected')),
        candidates jsonb not null default '[]',
        notes jsonb not null default '[]',
        allocations jsonb not null default '[]',
        match_mode text,
        confidence numeric,
        reasons jsonb not null default '[]',
        decided_by text,
        decided_at timestamptz,
        created_at timestamptz not null default now(),
        constraint billing_transfers_dedupe_uq unique (dedupe_key)
      )`);
    await q.query('create index billing_transfers_status on billing_transfers (status)');
    await q.query('create index billing_transfers_statement on billing_transfers (statement_id, line_number)');
    // Gap-free invoice numbering: one counter row per series, bumped in the invoice's own transaction.
    await q.query(`create table billing_invoice_counters (series text primary key, last_value bigint not null)`);
    await q.query(`
      create table billing_invoices (
        invoice_id uuid primary key,
        invoice_number text not null unique,
        document_kind text not null,
        source text not null check (source in ('issued', 'uploaded')),
        order_id uuid not null references billing_orders (order_id),
        institution_id uuid not null,
        buyer_name text not null,
        buyer_credit_code text not null,
        amount_fen bigint not null,
        status text not null check (status in ('valid', 'reversed')),
        corrects_invoice_id uuid references billing_invoices (invoice_id),
        issued_at timestamptz not null,
        issued_by text not null
      )`);
    await q.query('create index billing_invoices_order on billing_invoices (order_id)');
    await q.query(`
      create table billing_invoice_documents (
        document_id text primary key,
        invoice_id uuid not null references billing_invoices (invoice_id),
        format text not null check (format in ('pdf', 'xml', 'ofd')),
        content_type text not null,
        content bytea not null,
        sha256 text not null,
        size int not null,
        unique (invoice_id, format)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['billing_invoice_documents', 'billing_invoices', 'billing_invoice_counters', 'billing_transfers', 'billing_statements', 'billing_payer_accounts', 'billing_aliases', 'billing_institutions', 'billing_orders']) {
      await q.query(`drop table ${t}`);
    }
    await q.query('drop sequence billing_payment_code_seq');
  }
}
