import { previewOpenApiDocument, undocumentedAnswers } from '@lsc/testing';
import { AppModule } from './app.module';
import { loadBillingConfig } from './config';

/**
 * The front-ends' client is generated from this document (libs/api-client): an operation without a documented answer
 * would come out as `unknown` and push a hand-written type into the portal or console. Built without infrastructure.
 */
describe('billing OpenAPI document', () => {
  let doc: Awaited<ReturnType<typeof previewOpenApiDocument>>;
  beforeAll(async () => {
    doc = await previewOpenApiDocument(AppModule.register(loadBillingConfig()), 'billing');
  }, 60000);

  it('documents the success answer of every operation and the {code, message, details[]} error answer', () => {
    expect(undocumentedAnswers(doc)).toEqual({ success: [], errors: [] });
  });

  it("documents the list endpoints' query parameters and the statement upload form", () => {
    const names = (path: string) => (doc.paths[path]!.get!.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name).sort();
    expect(names('/api/v1/billing/orders')).toEqual(['institutionId', 'limit', 'offset', 'status']);
    expect(names('/api/v1/billing/transfers')).toEqual(['limit', 'offset', 'q', 'statementId', 'status']);
    expect(names('/api/v1/billing/quotes')).toEqual(['qualificationCode', 'staffTierCode', 'years']);
    expect(names('/api/v1/billing/reports/payments')).toEqual(['format', 'from', 'to']);
    expect(Object.keys(doc.paths['/api/v1/billing/statements']!.post!.requestBody!.content!)).toEqual(['multipart/form-data']);
  });
});
