import { asOpenApiDocument, mergeOpenApi, type OpenApiDocument } from './openapi-merge';

const doc = (paths: string[], schemas: Record<string, unknown>, refTo?: string): OpenApiDocument => ({
  openapi: '3.0.0',
  info: { title: 't', version: '1' },
  paths: Object.fromEntries(paths.map((p) => [p, { get: { responses: { '200': { content: { 'application/json': { schema: { $ref: `#/components/schemas/${refTo ?? 'X'}` } } } } } } }])),
  components: { schemas },
});

describe('mergeOpenApi', () => {
  it('keeps only each service’s own /api/v1/<area>/ paths', () => {
    const merged = mergeOpenApi(
      [
        { area: 'identity', prefix: '/api/v1/identity/', document: doc(['/api/v1/identity/a', '/metrics', '/api/v1/billing/spoof'], {}) },
        { area: 'billing', prefix: '/api/v1/billing/', document: doc(['/api/v1/billing/b'], {}) },
      ],
      { missing: [], stale: [] },
    );
    expect(Object.keys(merged.paths)).toEqual(['/api/v1/billing/b', '/api/v1/identity/a']);
  });

  it('shares identical components and renames clashing ones together with their references', () => {
    const same = { type: 'string' };
    const merged = mergeOpenApi(
      [
        { area: 'identity', prefix: '/api/v1/identity/', document: doc(['/api/v1/identity/a'], { X: { type: 'object' }, Id: same }) },
        { area: 'billing', prefix: '/api/v1/billing/', document: doc(['/api/v1/billing/b'], { X: { type: 'array' }, Id: same }) },
      ],
      { missing: [], stale: [] },
    );
    expect(merged.components!.schemas).toEqual({ X: { type: 'object' }, Id: same, 'billing.X': { type: 'array' } });
    expect(JSON.stringify(merged.paths['/api/v1/billing/b'])).toContain('#/components/schemas/billing.X');
    expect(JSON.stringify(merged.paths['/api/v1/identity/a'])).toContain('"#/components/schemas/X"');
  });

  it('keeps operation ids unique: a clash gets the later service’s area as prefix', () => {
    const withId = (path: string, operationId: string): OpenApiDocument => ({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths: { [path]: { get: { operationId, responses: {} } } } });
    const merged = mergeOpenApi(
      [
        { area: 'billing', prefix: '/api/v1/billing/', document: withId('/api/v1/billing/fees/quote', 'FeesController_quote') },
        { area: 'membership', prefix: '/api/v1/membership/', document: withId('/api/v1/membership/fees/quote', 'FeesController_quote') },
      ],
      { missing: [], stale: [] },
    );
    const ids = Object.values(merged.paths).map((item) => (item as { get: { operationId: string } }).get.operationId);
    expect(ids).toEqual(['FeesController_quote', 'membership_FeesController_quote']);
  });

  it('names missing and stale services in the description', () => {
    const merged = mergeOpenApi([], { missing: ['membership'], stale: ['billing'] });
    expect(merged.info.description).toContain('暂缺以下服务的接口说明（服务不可用）：membership');
    expect(merged.info.description).toContain('上次获取的接口说明：billing');
  });
});

describe('asOpenApiDocument', () => {
  it.each([null, [], { openapi: '2.0', paths: {} }, { swagger: '2.0', paths: {} }, { openapi: '3.0.0' }])('rejects %j', (value) => {
    expect(asOpenApiDocument(value)).toBeUndefined();
  });

  it('accepts an OpenAPI 3 document', () => {
    expect(asOpenApiDocument({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths: {} })).toBeDefined();
  });
});
