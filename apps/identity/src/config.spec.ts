import { loadIdentityConfig } from './config';

describe('identity configuration', () => {
  it('accepts an argon2 thread count of 1–1024 and refuses anything else at start, naming the variable', () => {
    for (const ok of ['1', '4', '16', '1024']) expect(loadIdentityConfig({ UV_THREADPOOL_SIZE: ok }).UV_THREADPOOL_SIZE).toBe(ok);
    expect(loadIdentityConfig({}).UV_THREADPOOL_SIZE).toBeUndefined();
    for (const bad of ['0', '1025', 'four', '8 ', '-4']) expect(() => loadIdentityConfig({ UV_THREADPOOL_SIZE: bad })).toThrow(/UV_THREADPOOL_SIZE must be a whole number from 1 to 1024/);
  });
});
