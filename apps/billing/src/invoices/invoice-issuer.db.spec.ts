import { withTransaction } from '@lsc/event-sourcing';
import { createTestDatabase, type TestDatabase } from '@lsc/testing';
import { duesItem, type InvoiceDocument } from '../invoicing';
import { BillingSchema1764400000000 } from '../migrations/1764400000000-billing-schema';
import pdfParse from 'pdf-parse/lib/pdf-parse.js';
import { renderInvoicePdf } from '../invoicing';
import { BuiltInInvoiceIssuer, DEMO_REMARK, type InvoiceRenderer, type InvoiceRequest } from './invoice-issuer';

/** Gap-free numbers without holding the counter lock while a document renders (real PostgreSQL, real transactions). */
describe('BuiltInInvoiceIssuer numbering', () => {
  jest.setTimeout(60000);
  let db: TestDatabase;
  const settings = { seller: { name: '中国图书馆学会', creditCode: '51100000500000138Q' }, provinceCode: '11', channel: '2', drawer: '王立新' };
  const request = (issuedAt = '2031-03-01T02:00:00.000Z'): InvoiceRequest => ({
    kind: 'vat_digital_invoice',
    issuedAt,
    buyer: { name: '企业机构测试', creditCode: '91350100M000100Y43' },
    items: [duesItem({ qualificationName: '企业会员', termStart: '2031-03-01', termEnd: '2031-12-31', years: 1, feePerYearFen: 600000 })],
    remark: '测试',
  });
  /** Records every rendered number; the files carry the number so a test can check what was printed. */
  const recording = (rendered: string[], gate?: Promise<void>): InvoiceRenderer => async (doc: InvoiceDocument) => {
    rendered.push(doc.number);
    if (gate) await gate;
    return [{ format: 'xml', contentType: 'application/xml', content: Buffer.from(`<n>${doc.number}</n>`) }];
  };

  beforeAll(async () => {
    db = await createTestDatabase('billing_invoice_numbers');
    await new BillingSchema1764400000000().up({ query: (sql: string) => db.pool.query(sql) } as never);
  });
  afterAll(() => db?.drop());

  it('a slow render does not hold up another issuer: the fast one commits first, the slow one re-renders with the next number, no gap', async () => {
    // The series' first invoice creates its counter row (under the lock, as before).
    const opening = await withTransaction(db.pool, (client) => new BuiltInInvoiceIssuer(settings, recording([])).issue(request(), client));
    expect(opening.number).toBe('31112000000000000001');
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const slowRendered: string[] = [];
    const slow = withTransaction(db.pool, (client) => new BuiltInInvoiceIssuer(settings, recording(slowRendered, gate)).issue(request(), client));
    while (slowRendered.length === 0) await new Promise((r) => setTimeout(r, 10));
    // While the slow issuer is rendering, another issues and commits (it would block here if the lock were held).
    const fastRendered: string[] = [];
    const fast = await Promise.race([
      withTransaction(db.pool, (client) => new BuiltInInvoiceIssuer(settings, recording(fastRendered)).issue(request(), client)),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('blocked behind the slow render')), 10000)),
    ]).finally(() => open());
    const late = await slow;
    expect(fast.number).toBe('31112000000000000002');
    expect(late.number).toBe('31112000000000000003');
    expect(late.files[0].content.toString()).toBe('<n>31112000000000000003</n>');
    expect(slowRendered).toEqual(['31112000000000000002', '31112000000000000003']);
    const counter = await db.pool.query(`select last_value from billing_invoice_counters where series = '31112'`);
    expect(counter.rows[0].last_value).toBe('3');
  });

  it('a rolled-back issuance gives its number back, even if another issuer was waiting for it', async () => {
    const rendered: string[] = [];
    const issuer = new BuiltInInvoiceIssuer(settings, recording(rendered));
    await withTransaction(db.pool, (client) => issuer.issue(request('2032-01-04T02:00:00.000Z'), client)); // creates the series row
    const first = await db.pool.connect();
    try {
      await first.query('begin');
      const taken = await issuer.issue(request('2032-01-05T02:00:00.000Z'), first);
      expect(taken.number).toBe('32112000000000000002');
      // The second issuer predicted the same number and now waits on the uncommitted bump …
      const waiting = withTransaction(db.pool, (client) => issuer.issue(request('2032-01-05T03:00:00.000Z'), client));
      await new Promise((r) => setTimeout(r, 300));
      await first.query('rollback');
      // … which is given back: the series stays gap-free.
      expect((await waiting).number).toBe('32112000000000000002');
    } finally {
      first.release();
    }
    const next = await withTransaction(db.pool, (client) => issuer.issue(request('2032-01-06T02:00:00.000Z'), client));
    expect(next.number).toBe('32112000000000000003');
  });

  it('concurrent issuers in one process render each invoice once: numbers predicted past each other, claimed in order, gap-free', async () => {
    const rendered: string[] = [];
    const issuer = new BuiltInInvoiceIssuer(settings, async (doc) => {
      rendered.push(doc.number);
      await new Promise((r) => setTimeout(r, 5 + Math.floor(Math.random() * 25))); // renders finish out of order
      return [{ format: 'xml', contentType: 'application/xml', content: Buffer.from(`<n>${doc.number}</n>`) }];
    });
    await withTransaction(db.pool, (client) => issuer.issue(request('2033-02-01T02:00:00.000Z'), client)); // creates the series row
    rendered.length = 0;
    const numbers = await Promise.all(
      Array.from({ length: 8 }, () =>
        withTransaction(db.pool, async (client) => {
          const invoice = await issuer.issue(request('2033-02-02T02:00:00.000Z'), client);
          await new Promise((r) => setTimeout(r, 10)); // the caller's own writes before its COMMIT, holding the counter row
          return invoice.number;
        }),
      ),
    );
    const expected = Array.from({ length: 8 }, (_, k) => `33112${String(k + 2).padStart(15, '0')}`);
    expect([...numbers].sort()).toEqual(expected);
    expect([...rendered].sort()).toEqual(expected); // no number rendered twice, none rendered in vain
    const counter = await db.pool.query(`select last_value from billing_invoice_counters where series = '33112'`);
    expect(counter.rows[0].last_value).toBe('9');
  });

  it('a claimed number whose transaction rolls back goes to the issuer queued behind it: still gap-free', async () => {
    const rendered: string[] = [];
    const issuer = new BuiltInInvoiceIssuer(settings, recording(rendered));
    await withTransaction(db.pool, (client) => issuer.issue(request('2034-01-04T02:00:00.000Z'), client)); // 34112…1
    rendered.length = 0;
    let fail!: () => void;
    const failing = new Promise<void>((_, reject) => (fail = () => reject(new Error('the caller failed after claiming'))));
    let claimedFirst!: () => void;
    const firstClaimed = new Promise<void>((resolve) => (claimedFirst = resolve));
    const first = withTransaction(db.pool, async (client) => {
      await issuer.issue(request('2034-01-05T02:00:00.000Z'), client);
      claimedFirst();
      await failing;
    });
    const firstOutcome = first.catch((err: Error) => err.message);
    await firstClaimed;
    // Predicts past the reserved number 2, then waits on the uncommitted bump …
    const second = withTransaction(db.pool, (client) => issuer.issue(request('2034-01-05T03:00:00.000Z'), client));
    while (rendered.length < 2) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    fail();
    expect(await firstOutcome).toBe('the caller failed after claiming');
    // … which is given back: the second issuer renders again with it.
    expect((await second).number).toBe('34112000000000000002');
    expect(rendered).toEqual(['34112000000000000002', '34112000000000000003', '34112000000000000002']);
    const counter = await db.pool.query(`select last_value from billing_invoice_counters where series = '34112'`);
    expect(counter.rows[0].last_value).toBe('2');
  });

  it('a demo deployment says in the 备注 that the document was rendered locally; a production one does not', async () => {
    const remarks: string[] = [];
    const capture: InvoiceRenderer = async (doc) => {
      remarks.push(doc.remark);
      const { text } = await pdfParse(await renderInvoicePdf(doc));
      return [{ format: 'pdf', contentType: 'application/pdf', content: Buffer.from(text) }];
    };
    const demo = await withTransaction(db.pool, (client) => new BuiltInInvoiceIssuer({ ...settings, demo: true }, capture).issue(request('2035-01-04T02:00:00.000Z'), client));
    await withTransaction(db.pool, (client) => new BuiltInInvoiceIssuer({ ...settings, demo: false }, capture).issue(request('2035-01-05T02:00:00.000Z'), client));
    expect(remarks).toEqual([`测试；${DEMO_REMARK}`, '测试']);
    expect(demo.files[0].content.toString().replace(/\s+/g, '')).toContain('【演示】本票据由会员系统本地生成');
  });
});
