import { previewOpenApiDocument, undocumentedAnswers } from '@lsc/testing';
import { AppModule } from './app.module';
import { loadNotificationConfig } from './config';

/**
 * The front-ends' client is generated from this document (libs/api-client): an operation without a documented answer
 * would come out as `unknown` and push a hand-written type into the portal or console. Built without infrastructure.
 */
describe('notification OpenAPI document', () => {
  let doc: Awaited<ReturnType<typeof previewOpenApiDocument>>;
  beforeAll(async () => {
    doc = await previewOpenApiDocument(AppModule.register(loadNotificationConfig()), 'notification');
  }, 60000);

  it('documents the success answer of every operation and the {code, message, details[]} error answer', () => {
    expect(undocumentedAnswers(doc)).toEqual({ success: [], errors: [] });
  });

  it("documents the delivery list's query parameters", () => {
    const names = (doc.paths['/api/v1/notification/admin/deliveries']!.get!.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name).sort();
    expect(names).toEqual(['institutionId', 'limit', 'offset', 'status', 'template']);
  });
});
