// The test issuer is shared by every service's tests: it lives in @lsc/testing.
export { startTestIssuer, type TestIssuer } from '@lsc/testing';
