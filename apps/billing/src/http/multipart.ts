import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '@lsc/service-kit';

export interface UploadedFile {
  field: string;
  filename: string;
  mimetype: string;
  content: Buffer;
}

/** Reads a whole multipart form (files into memory, bounded by the registered fileSize limit). */
export async function readMultipart(request: FastifyRequest, maxBytes: number): Promise<{ files: UploadedFile[]; fields: Record<string, string> }> {
  if (!request.isMultipart()) throw new ApiError(415, 'MULTIPART_REQUIRED', '请以 multipart/form-data 方式上传文件');
  const files: UploadedFile[] = [];
  const fields: Record<string, string> = {};
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const content = await part.toBuffer();
        files.push({ field: part.fieldname, filename: part.filename, mimetype: part.mimetype, content });
      } else if (typeof part.value === 'string') {
        fields[part.fieldname] = part.value;
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT') {
      throw new ApiError(413, 'FILE_TOO_LARGE', `上传文件过大（上限 ${Math.floor(maxBytes / 1024 / 1024)} MB）`);
    }
    throw new ApiError(400, 'BAD_MULTIPART', '上传内容格式有误');
  }
  return { files, fields };
}
