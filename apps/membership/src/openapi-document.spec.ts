import { previewOpenApiDocument, undocumentedAnswers } from '@lsc/testing';
import { AppModule } from './app.module';
import { loadMembershipConfig } from './config';

/**
 * The front-ends' client is generated from this document (libs/api-client): an operation without a documented answer
 * would come out as `unknown` and push a hand-written type into the portal or console. Built without infrastructure.
 */
describe('membership OpenAPI document', () => {
  let doc: Awaited<ReturnType<typeof previewOpenApiDocument>>;
  beforeAll(async () => {
    doc = await previewOpenApiDocument(AppModule.register(loadMembershipConfig()), 'membership');
  }, 60000);

  it('documents the success answer of every operation and the {code, message, details[]} error answer', () => {
    expect(undocumentedAnswers(doc)).toEqual({ success: [], errors: [] });
  });

  it("documents the list endpoints' query parameters", () => {
    const names = (path: string) => (doc.paths[path]!.get!.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name).sort();
    expect(names('/api/v1/membership/admin/memberships')).toEqual(['expiresFrom', 'expiresTo', 'memberNumber', 'name', 'page', 'pageSize', 'provinceCode', 'qualificationCode', 'status']);
    expect(names('/api/v1/membership/admin/certificates')).toEqual(['status']);
    expect(names('/api/v1/membership/applications')).toEqual(['institutionId']);
  });
});
