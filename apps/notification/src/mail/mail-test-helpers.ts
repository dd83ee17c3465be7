import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';

export function tempMailDir(): string {
  return mkdtempSync(join(tmpdir(), 'smtp-catcher-'));
}

export function storedMessages(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
}

export async function readStored(dir: string, file: string): Promise<ParsedMail> {
  return simpleParser(readFileSync(join(dir, file)));
}

type CatcherModule = typeof import('../../../../tools/smtp-catcher');
export type RunningCatcher = import('../../../../tools/smtp-catcher').RunningCatcher;

/**
 * tools/ is plain JavaScript outside every Nx project, so module-boundary linting forbids a static
 * relative import; the catcher is loaded by path instead, typed by its index.d.ts.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { start: startCatcher } = require(join(__dirname, '..', '..', '..', '..', 'tools', 'smtp-catcher')) as CatcherModule;
