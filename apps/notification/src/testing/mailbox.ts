import { createHash } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import { readStored, storedMessages } from '../mail/mail-test-helpers';

const parsed = new Map<string, ParsedMail>();

/** Every mail the catcher stored in dir, parsed (cached per file: .eml files are written once, atomically). */
export async function allMails(dir: string): Promise<ParsedMail[]> {
  const files = storedMessages(dir);
  for (const f of files) if (!parsed.has(`${dir}/${f}`)) parsed.set(`${dir}/${f}`, await readStored(dir, f));
  return files.map((f) => parsed.get(`${dir}/${f}`)!);
}

const addressesOf = (mail: ParsedMail): string[] => (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));

export async function mailsTo(dir: string, address: string): Promise<ParsedMail[]> {
  return (await allMails(dir)).filter((m) => addressesOf(m).includes(address));
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
