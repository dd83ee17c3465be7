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
