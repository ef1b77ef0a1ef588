/**
 * Fails when src/__generated__ differs from what codegen.ts would write now, so the
 * committed resolver types can never drift from the SDL.
 */
import { readFile } from 'node:fs/promises';
import { generate } from '@graphql-codegen/cli';
import config from '../codegen.js';

const outputs = (await generate({ ...config, silent: true }, false)) as { filename: string; content: string }[];
const stale: string[] = [];
for (const output of outputs) {
  const committed = await readFile(output.filename, 'utf8').catch(() => '');
  if (committed !== output.content) stale.push(output.filename);
}
if (stale.length > 0) {
  process.stderr.write(`generated files are stale: ${stale.join(', ')}\nrun: npm run codegen\n`);
  process.exit(1);
}
process.stdout.write(`codegen: ${outputs.length} generated file(s) up to date\n`);
