import { createHash } from 'node:crypto';
import multipart, { type MultipartFile } from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { LOGO_MAX_BYTES } from '../infra/logo';

/**
 * An uploaded file as the controllers see it. Serialises to its digest so the Idempotency-Key fingerprint covers the
 * file without copying megabytes into Redis.
 */
export class UploadedLogo {
  constructor(
    readonly content: Buffer,
    readonly tooLarge: boolean,
  ) {}
  toJSON(): { sha256: string; bytes: number; tooLarge: boolean } {
    return { sha256: createHash('sha256').update(this.content).digest('hex'), bytes: this.content.length, tooLarge: this.tooLarge };
  }
}

/**
 * Registration is multipart/form-data because of the logo. Fields and the (single) file are collected into
 * request.body before the handler runs; an oversize file is marked, not fatal, so the answer is the usual 400 naming
 * the logo field rather than a bare 413.
 */
export async function registerMultipart(app: NestFastifyApplication): Promise<void> {
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: LOGO_MAX_BYTES, files: 1, fields: 30, fieldSize: 64 * 1024, parts: 32, headerPairs: 100 },
    // Not thrown: the limit would abort the whole form with a bare 413; a truncated file is reported on its field instead.
    throwFileSizeLimit: false,
    async onFile(part: MultipartFile) {
      const content = await part.toBuffer();
      const logo = part.file.truncated ? new UploadedLogo(Buffer.alloc(0), true) : new UploadedLogo(content, false);
      (part as unknown as { value: unknown }).value = logo;
    },
  });
}
