/**
 * A node:test reporter that counts passed and failed tests (not suites) into a JSON
 * file, rewritten after every result so the count survives a forced exit. A test that
 * was skipped or marked todo counts as failed: a green run must mean every test ran.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.TEST_COUNTS_FILE ?? '.cache/test-counts.json';

export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, failures: [] };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') continue;
    const notRun = event.data.skip !== undefined ? 'skipped' : event.data.todo !== undefined ? 'todo' : null;
    if (event.type === 'test:pass' && !notRun) {
      counts.passed += 1;
    } else {
      counts.failed += 1;
      counts.failures.push(`${event.data.file ?? ''}: ${event.data.name}${notRun ? ` (${notRun}: it did not run)` : ''}`);
    }
    writeFileSync(target, JSON.stringify(counts));
  }
  writeFileSync(target, JSON.stringify(counts));
  yield '';
}
