// Hostile input, in process (issue 12): 1000 generated invocations — the default floe-dev.yaml mutated (types
// swapped, keys dropped or duplicated, deep nesting, huge strings, unicode, alias bombs, NaN, out-of-range ports),
// random FLOE_DEV_* variables, flag combinations and image references — each through run(argv, io), the single
// exit point the binary uses. Every one ends in 0 or 2 with one error headline and no stack, writes nothing outside
// the state folder and runs nothing on bad input. Commands that reach for Docker, kind or a cluster may also end in
// 1 or 3 when the input is valid: Docker is a socket nobody listens on (3, "prerequisite missing") and kind/kubectl
// are tripwires that fail (1, "a command failed"); then `floe-dev config` must accept the same input (the oracle).
// The seed is fixed (FC_SEED=<n> reruns another) and printed.
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import type { Io } from '../../../src/cli/command.js';
import { run } from '../../../src/main.js';
import { SEED, checkAll, describeCase, hostileCase, oracleOf, problemsWith, sandbox, type HostileCase, type Outcome } from '../../helpers/hostile.js';

/** A hang guard, not a speed check: a case still running after this is reported as hung (and aborted). */
const CASE_LIMIT_MS = 20_000;

async function runIn(argv: string[], c: HostileCase, box: ReturnType<typeof sandbox>, extraEnv: Record<string, string> = {}): Promise<Outcome> {
  const out: string[] = [];
  const err: string[] = [];
  const controller = new AbortController();
  const io: Io = {
    env: { ...box.env, ...extraEnv },
    cwd: box.cwd,
    isTTY: false,
    signal: controller.signal,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
  };
  // listr2 writes its progress to process.stderr itself: part of what the case said.
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true));
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), CASE_LIMIT_MS);
  });
  try {
    const code = await Promise.race([run(argv, io), hung]);
    if (code === 'hung') {
      controller.abort();
      throw new Error(`hung for ${CASE_LIMIT_MS} ms\n${describeCase(c)}`);
    }
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    clearTimeout(timer);
    write.mockRestore();
  }
}

describe(`hostile input in process (seed ${SEED}; rerun with FC_SEED=${SEED})`, () => {
  it('1000 generated invocations end in 0 or 2 (1/3 only on valid input), one message, nothing written or run outside', async () => {
    console.log(`hostile input: fast-check seed ${SEED} (FC_SEED=${SEED} reruns these cases)`);
    const codes = new Map<number, number>();
    const spent = new Map<string, number>();
    await checkAll(
      fc.asyncProperty(hostileCase, async (c) => {
        const boxing = performance.now();
        const box = sandbox(c);
        spent.set('(sandbox)', (spent.get('(sandbox)') ?? 0) + performance.now() - boxing);
        try {
          const argv = [...c.invocation.command, ...c.invocation.globals];
          const started = performance.now();
          const outcome = await runIn(argv, c, box);
          const key = `${c.invocation.command[0]}:${outcome.code}`;
          spent.set(key, (spent.get(key) ?? 0) + performance.now() - started);
          codes.set(outcome.code, (codes.get(outcome.code) ?? 0) + 1);
          const oracle = () => runIn(oracleOf(c).argv, c, box, oracleOf(c).env);
          const checking = performance.now();
          const problems = await problemsWith(c, box, outcome, oracle);
          spent.set('(checks)', (spent.get('(checks)') ?? 0) + performance.now() - checking);
          if (problems.length > 0) throw new Error(`${problems.join('; ')}\n${describeCase(c, outcome)}`);
        } finally {
          const disposing = performance.now();
          box.dispose();
          spent.set('(sandbox)', (spent.get('(sandbox)') ?? 0) + performance.now() - disposing);
        }
      }),
      1000,
    );
    if (process.env.HOSTILE_PROFILE) console.log([...spent].sort((a, b) => b[1] - a[1]).map(([k, ms]) => `${k} ${Math.round(ms)}ms`).join('\n'));
    console.log(`hostile input: exit codes ${JSON.stringify(Object.fromEntries([...codes].sort()))}`);
    // The generators reach both sides: valid input that runs and bad input that is refused.
    expect(codes.get(0) ?? 0).toBeGreaterThan(50);
    expect(codes.get(2) ?? 0).toBeGreaterThan(300);
  }, 300_000);
});
