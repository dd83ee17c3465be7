// One summary of jest's --json result files for every runner (npm test, the jest suites, test:console): the counts
// .ci/run adds up, and the name and first message line of each failed test, printed just above the summary line so
// that the tail of a CI log says which tests failed, not only how many.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { repoRoot } from './env.mjs';

const firstLine = (text) => (text ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).find(Boolean) ?? '';

export function summarize(resultFiles) {
  let passed = 0;
  let failed = 0;
  const failures = [];
  for (const file of resultFiles.filter((f) => existsSync(f))) {
    const result = JSON.parse(readFileSync(file, 'utf8'));
    passed += result.numPassedTests;
    failed += result.numFailedTests + (result.numRuntimeErrorTestSuites ?? 0);
    for (const suite of result.testResults ?? []) {
      const where = relative(repoRoot, suite.name ?? suite.testFilePath ?? '');
      const failedTests = (suite.assertionResults ?? []).filter((t) => t.status === 'failed');
      for (const t of failedTests) failures.push(`${where} › ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
      // A suite that could not run (syntax error, failed beforeAll import) has no failed assertions, only a message.
      if (failedTests.length === 0 && suite.status === 'failed') failures.push(`${where}: ${firstLine(suite.message)}`);
    }
  }
  return { passed, failed, failures };
}

export function printSummary({ passed, failed, failures }) {
  if (failures.length > 0) {
    console.log('\nfailed tests:');
    for (const f of failures) console.log(`  ✕ ${f.slice(0, 400)}`);
  }
  console.log(`\ntests: ${passed} passed, ${failed} failed`);
}
