import iconv from 'iconv-lite';
import { eventually } from '@lsc/testing';
import type { ImportJobView } from '../imports/jobs/import-jobs';

type Inject = (url: string) => Promise<{ statusCode: number; json(): unknown }>;

/** Uploads answer 202 with the import job; this follows its progress endpoint to the result (or the failure). */
export async function importFinished(get: Inject, importId: string, timeoutMs = 60000): Promise<ImportJobView> {
  return eventually(
    async () => {
      const view = (await get(`/api/v1/billing/statement-imports/${importId}`)).json() as ImportJobView;
      return view.state === 'done' || view.state === 'failed' ? view : undefined;
    },
    { timeoutMs, intervalMs: 100, what: `statement import ${importId}` },
  );
}

type App = { inject(options: { method: 'POST'; url: string; payload: Buffer; headers: Record<string, string> }): Promise<{ statusCode: number; json(): unknown; body: string }> };

/**
 * Uploads a statement as the console does (multipart, one file) as `token`, waits for its import job and answers the
 * job's result: the summary the synchronous upload used to answer (untyped JSON, as the tests read it).
 */
export async function uploadStatement(app: App, get: Inject, token: string, file: Buffer, filename = 'bob.csv'): Promise<ReturnType<typeof JSON.parse>> {
  const boundary = 'lscboundary';
  const payload = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n`), file, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const res = await app.inject({ method: 'POST', url: '/api/v1/billing/statements', payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${token}` } });
  if (res.statusCode !== 202) throw new Error(`statement upload answered ${res.statusCode}: ${res.body}`);
  const { importId } = res.json() as { importId: string };
  const done = await importFinished(get, importId);
  if (done.state !== 'done' || done.statementId !== importId) throw new Error(`statement import ${importId} ended ${done.state}: ${JSON.stringify(done.error)}`);
  return done.result as ReturnType<typeof JSON.parse>;
}

/** Today in Shanghai, the date a bank prints on a statement downloaded today. */
export const shanghaiToday = (): string => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

/** A 北京银行 CSV statement (GBK) of credits booked today: [bank reference, amount 元 as printed, payer account, payer name, remark]. */
export function bobCreditsCsv(rows: ReadonlyArray<readonly [string, string, string, string, string]>, bookedOn = shanghaiToday()): Buffer {
  return iconv.encode(
    [
      '北京银行对公账户交易明细',
      '账号：20000006591600105310002',
      '',
      '交易日期,交易时间,交易流水号,摘要,借方发生额,贷方发生额,余额,对方账号,对方户名,对方开户行,附言',
      ...rows.map(([ref, amount, account, name, remark], i) => `${bookedOn},10:0${i % 10}:00,${ref},转账,,"${amount}",,="${account}",${name},中国工商银行北京分行,${remark}`),
    ].join('\r\n'),
    'gbk',
  );
}
