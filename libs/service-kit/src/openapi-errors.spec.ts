import type { OpenAPIObject } from '@nestjs/swagger';
import { API_ERROR_SCHEMA, documentErrorAnswers } from './openapi-errors';

describe('documentErrorAnswers', () => {
  const doc = (): OpenAPIObject => ({
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: {
      '/a': {
        get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } } },
        post: { responses: { '201': { description: 'made' }, '409': { description: 'QUOTE_CHANGED' } } },
      },
    },
  });
  const ref = { 'application/json': { schema: { $ref: `#/components/schemas/${API_ERROR_SCHEMA}` } } };

  it('adds the {code, message, details[]} schema and a default error answer to every operation', () => {
    const out = documentErrorAnswers(doc());
    expect(out.components!.schemas![API_ERROR_SCHEMA]).toMatchObject({ required: ['code', 'message', 'details'], properties: { details: { type: 'array' } } });
    expect(out.paths['/a']!.get!.responses.default).toMatchObject({ content: ref });
    expect(out.paths['/a']!.post!.responses.default).toMatchObject({ content: ref });
  });

  it('gives a named error answer without content the error body, and leaves success answers alone', () => {
    const out = documentErrorAnswers(doc());
    expect(out.paths['/a']!.post!.responses['409']).toEqual({ description: 'QUOTE_CHANGED', content: ref });
    expect(out.paths['/a']!.post!.responses['201']).toEqual({ description: 'made' });
    expect(out.paths['/a']!.get!.responses['200']).toEqual({ description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } });
  });
});
