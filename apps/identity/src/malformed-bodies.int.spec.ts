import { startIdentity, type IdentityHarness } from './testing/harness';

/** Bodies the parsers cannot read are the client's fault: 400 in the standard shape, never a 500 (found by the e2e fuzz run). */
describe('malformed request bodies (real PostgreSQL/Redis)', () => {
  let h: IdentityHarness;
  beforeAll(async () => {
    h = await startIdentity('malformed');
  });
  afterAll(() => h?.close());

  it.each([
    ['a multipart body without parts on a JSON route', '/api/v1/identity/sessions/refresh', 'multipart/form-data', '|GG%J'],
    ['a multipart body without a boundary on the registration route', '/api/v1/identity/institutions', 'multipart/form-data', '--x\r\nbroken'],
    ['a truncated multipart body', '/api/v1/identity/institutions', 'multipart/form-data; boundary=abc', '--abc\r\nContent-Disposition: form-data; name="name"\r\n\r\nvalue'],
  ])('%s → 400', async (_what, url, contentType, payload) => {
    const r = await h.app.inject({ method: 'POST', url, headers: { 'content-type': contentType }, payload });
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(r.statusCode).toBeLessThan(500);
    expect(r.json()).toMatchObject({ code: expect.any(String), message: expect.any(String), details: expect.any(Array) });
  });
});
