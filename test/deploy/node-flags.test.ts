import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { startScriptNodeFlags } from '../../bench/lib/production-node.js';

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

/** The arguments of the image's exec-form CMD. */
function dockerCmd(dockerfile: string): string[] {
  const line = dockerfile.split('\n').find((candidate) => candidate.startsWith('CMD ['));
  assert.ok(line, 'the Dockerfile has an exec-form CMD');
  return JSON.parse(line.slice('CMD '.length)) as string[];
}

describe('node flags of the service', () => {
  const flags = startScriptNodeFlags(JSON.parse(read('package.json')) as { scripts?: Record<string, string> });

  it('the image runs dist/index.js with the same node flags as npm start', () => {
    assert.deepEqual(dockerCmd(read('Dockerfile')), ['node', ...flags, 'dist/index.js']);
  });

  it('this node accepts every one of them', () => {
    assert.ok(flags.length > 0);
    const run = spawnSync(process.execPath, [...flags, '-e', 'process.exit(0)'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
  });
});
