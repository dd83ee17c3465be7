import { previewOpenApiDocument, undocumentedAnswers } from '@lsc/testing';
import { AppModule } from './app.module';
import { loadIdentityConfig } from './config';

/**
 * The front-ends' client is generated from this document (libs/api-client): an operation without a documented answer
 * would come out as `unknown` and push a hand-written type into the portal or console. Built without infrastructure.
 */
describe('identity OpenAPI document', () => {
  let doc: Awaited<ReturnType<typeof previewOpenApiDocument>>;
  beforeAll(async () => {
    doc = await previewOpenApiDocument(AppModule.register(loadIdentityConfig()), 'identity');
  }, 60000);

  it('documents the success answer of every operation and the {code, message, details[]} error answer', () => {
    expect(undocumentedAnswers(doc)).toEqual({ success: [], errors: [] });
  });

  it('documents the registration form as multipart with the logo file, and the session answer', () => {
    const register = doc.paths['/api/v1/identity/institutions']!.post!;
    expect(Object.keys(register.requestBody!.content!)).toEqual(['multipart/form-data', 'application/json']);
    expect(JSON.stringify(doc)).toContain('"RegistrationFormDoc"');
    expect(JSON.stringify(register.responses!['201'])).toContain('RegisteredDoc');
    expect(JSON.stringify(doc.paths['/api/v1/identity/me/mobile']!.post!.responses!['200'])).toContain('MobileChangedDoc');
  });
});
