// Hostile input through the real binary (issue 12): 40 of the generated invocations run as `node bin/floe-dev.js`
// subprocesses, four at a time, to prove what the in-process suite cannot: the process's own exit code, its
// stdout/stderr, no hang (each bounded by a kill timeout), and no file in its TMPDIR. Same generators, checks and
// seed as hostile-input.test.ts (FC_SEED=<n> reruns another). Needs the build (npm test builds first).
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BIN } from '../../helpers/cli.js';
import { SEED, describeCase, hostileCase, oracleOf, problemsWith, sandbox, type HostileCase, type Outcome } from '../../helpers/hostile.js';

/** A hang guard: the process is killed (and the case fails as hung) after this. */
const KILL_AFTER_MS = 20_000;
const CASES = 40;
const AT_ONCE = 4;

async function runBinary(argv: string[], c: HostileCase, box: ReturnType<typeof sandbox>, extraEnv: Record<string, string> = {}): Promise<Outcome> {
  const r = await execa('node', [BIN, ...argv], {
    cwd: box.cwd,
    env: { ...box.env, ...extraEnv, TMPDIR: join(box.root, 'tmp'), PATH: process.env.PATH ?? '/usr/bin:/bin' },
    extendEnv: false,
    reject: false,
    timeout: KILL_AFTER_MS,
    stdin: 'ignore',
  });
  if (r.timedOut) throw new Error(`hung: killed after ${KILL_AFTER_MS} ms\n${describeCase(c)}`);
  if (r.exitCode === undefined) throw new Error(`ended by ${r.signal ?? 'a signal'}, not an exit code\n${describeCase(c)}`);
  return { code: r.exitCode, out: r.stdout, err: r.stderr };
}

async function check(c: HostileCase): Promise<number> {
  const box = sandbox(c);
  mkdirSync(join(box.root, 'tmp'));
  box.allowed.push('tmp');
  try {
    const argv = [...c.invocation.command, ...c.invocation.globals];
    const outcome = await runBinary(argv, c, box);
    const problems = await problemsWith(c, box, outcome, () => runBinary(oracleOf(c).argv, c, box, oracleOf(c).env));
    const leftInTmp = readdirSync(join(box.root, 'tmp'));
    if (leftInTmp.length > 0) problems.push(`left files in its TMPDIR: ${leftInTmp.slice(0, 5).join(', ')}`);
    if (problems.length > 0) throw new Error(`${problems.join('; ')}\n${describeCase(c, outcome)}`);
    return outcome.code;
  } finally {
    box.dispose();
  }
}

describe(`hostile input through the built binary (seed ${SEED}; rerun with FC_SEED=${SEED})`, () => {
  it(`${CASES} generated invocations as subprocesses: exit 0 or 2 (1/3 only on valid input), no hang, nothing left`, async () => {
    // The first cases of the same seed as the in-process suite, so these also show the seam answers as the binary
    // does; run a few at a time (fc.assert would run them one by one).
    const cases = fc.sample(hostileCase, { seed: SEED, numRuns: CASES });
    const codes: number[] = [];
    for (let i = 0; i < cases.length; i += AT_ONCE) codes.push(...(await Promise.all(cases.slice(i, i + AT_ONCE).map(check))));
    console.log(`hostile input (binary): seed ${SEED}, exit codes ${JSON.stringify(codes)}`);
    expect(codes).toHaveLength(CASES);
    expect(codes.filter((c) => c === 0).length).toBeGreaterThan(0);
    expect(codes.filter((c) => c === 2).length).toBeGreaterThan(0);
  }, 300_000);
});
