import { eventually } from '@lsc/testing';

type Inject = (url: string) => Promise<{ statusCode: number; json(): any }>;

/** Uploads answer 202 with the import job; this follows its progress endpoint to the result (or the failure). */
export async function importFinished(get: Inject, importId: string, timeoutMs = 60000): Promise<any> {
  return eventually(
    async () => {
      const res = await get(`/api/v1/billing/statement-imports/${importId}`);
      const view = res.json();
      return view.state === 'done' || view.state === 'failed' ? view : undefined;
    },
    { timeoutMs, intervalMs: 100, what: `statement import ${importId}` },
  );
}
