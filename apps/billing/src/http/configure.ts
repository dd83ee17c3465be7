import multipart from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { BillingConfig } from '../config';

/** Multipart uploads (statements, external invoices): files up to UPLOAD_MAX_BYTES, a handful of parts. */
export const configureBillingApp = (config: BillingConfig) => async (app: NestFastifyApplication) => {
  await app.register(multipart, { limits: { fileSize: config.UPLOAD_MAX_BYTES, files: 5, fields: 10, parts: 20 }, throwFileSizeLimit: true });
};
