// A recording fake Runner: answers only the commands it was told about, records argv and stdin, scripts failures.
//
//   const runner = new FakeRunner();
//   runner.expect(['kind', 'version']).respond({ stdout: 'kind v0.30.0 go1.24.6 linux/amd64\n' });
//   runner.expect(['kind', 'get', 'clusters']).once().respond({ exitCode: 1, stderr: 'boom' }); // then ...
//   runner.expect(['kind', 'get', 'clusters']).respond({ stdout: 'floe-dev\n' });
//   runner.expect((argv) => argv.includes('apply')).hang();       // until the caller's signal or timeout
//   runner.expect(['kubectl']).notFound();
//   runner.expect(['kubectl', 'port-forward']).process({ lines: ['Forwarding from 127.0.0.1:5000 -> 9000'] });   // for start()
//   ... run the code under test ...
//   runner.verify();   // throws on any call it was not told about, or an expectation never used
//
// Semantics follow ExecaRunner: a non-zero exit rejects with CommandError unless `allowFailure`; an aborted
// signal rejects with an aborted CommandError; `timeoutMs` ends a hanging command with a timed-out one.
import { CommandError } from '../../src/errors.js';
import { CommandNotFoundError, type ExitStatus, type RunOptions, type RunResult, type Runner, type StartOptions, type StartedProcess } from '../../src/tools/runner.js';

export interface FakeResponse {
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  /** Answer after this many milliseconds (the call's signal and timeoutMs apply meanwhile). */
  delayMs?: number;
}

export interface RecordedCall {
  argv: readonly string[];
  /** What was written to stdin. */
  input: string | undefined;
  options: RunOptions & StartOptions;
  /** The fake pid, for calls made with start(). */
  pid?: number;
}

/** What a started (long-running) fake process does. */
export interface FakeProcess {
  /** Printed (through onLine) right after it starts. */
  lines?: { stdout?: string[]; stderr?: string[] } | string[];
  /** Exits by itself after this long, with `exitCode` (default 1); otherwise runs until stopped. */
  exitAfterMs?: number;
  /** Exits (with `exitCode`, default 1) when this settles: the test decides the moment, no timer involved. */
  exitOn?: Promise<unknown>;
  exitCode?: number;
}

/** An argv prefix (`['kubectl', 'apply']` matches `kubectl apply -f -`), or any predicate over argv. */
export type ArgvMatcher = readonly string[] | ((argv: readonly string[]) => boolean);

type Behaviour =
  | { kind: 'respond'; response: FakeResponse | ((call: RecordedCall) => FakeResponse | Promise<FakeResponse>) }
  | { kind: 'fail'; error: (call: RecordedCall) => Error }
  | { kind: 'hang' }
  | { kind: 'process'; process: FakeProcess | ((call: RecordedCall) => FakeProcess) };

/** Thrown (and recorded) when the code under test runs a command the test did not expect. */
export class UnexpectedCommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    known: readonly string[],
  ) {
    super(`FakeRunner: unexpected command: ${JSON.stringify(argv)}\n  expected one of:\n    ${known.join('\n    ') || '(nothing)'}`);
    this.name = 'UnexpectedCommandError';
  }
}

export class Expectation {
  private behaviour: Behaviour | undefined;
  private remaining = Infinity;
  private required = true;
  /** How many calls this expectation answered. */
  used = 0;

  constructor(
    private readonly matcher: ArgvMatcher,
    readonly description: string,
  ) {}

  /** Answer with this output (exitCode 0 unless given). A function sees the call (argv, stdin, options). */
  respond(response: FakeResponse | ((call: RecordedCall) => FakeResponse | Promise<FakeResponse>) = {}): this {
    this.behaviour = { kind: 'respond', response };
    return this;
  }

  /** Reject with this error (or one made from the call). */
  fail(error: Error | ((call: RecordedCall) => Error)): this {
    this.behaviour = { kind: 'fail', error: typeof error === 'function' ? error : () => error };
    return this;
  }

  /** The executable does not exist: CommandNotFoundError, as ExecaRunner throws it. */
  notFound(): this {
    return this.fail((call) => new CommandNotFoundError(call.argv, { exitCode: undefined, stdout: '', stderr: `${call.argv[0]}: command not found` }));
  }

  /** The command timed out: a timed-out CommandError, at once. */
  timeout(): this {
    return this.fail((call) => new CommandError(call.argv, { exitCode: undefined, stdout: '', stderr: '', timedOut: true }));
  }

  /** Never answers: ends only when the call's signal aborts or its timeoutMs passes (as the real runner would). */
  hang(): this {
    this.behaviour = { kind: 'hang' };
    return this;
  }

  /** For start(): a long-running process that prints `lines`, then runs until stopped (or `exitAfterMs`). */
  process(process: FakeProcess | ((call: RecordedCall) => FakeProcess) = {}): this {
    this.behaviour = { kind: 'process', process };
    return this;
  }

  /** Answer only the next `n` matching calls; later ones fall through to the next expectation. */
  times(n: number): this {
    this.remaining = n;
    return this;
  }

  once(): this {
    return this.times(1);
  }

  /** verify() does not insist that this was called. */
  optional(): this {
    this.required = false;
    return this;
  }

  /** @internal */
  matches(argv: readonly string[]): boolean {
    if (this.remaining <= 0) return false;
    if (typeof this.matcher === 'function') return this.matcher(argv);
    return this.matcher.length <= argv.length && this.matcher.every((a, i) => argv[i] === a);
  }

  /** @internal */
  get unmet(): boolean {
    return this.required && this.used === 0;
  }

  /** @internal */
  async startProcess(call: RecordedCall, running: Map<number, RecordedCall>): Promise<StartedProcess> {
    this.remaining -= 1;
    this.used += 1;
    const b = this.behaviour;
    if (!b) throw new Error(`FakeRunner: ${this.description} matched but was given no behaviour`);
    if (b.kind === 'fail') throw b.error(call);
    if (b.kind !== 'process') throw new Error(`FakeRunner: ${this.description} answers run(), but start() was called (use .process())`);
    const spec = typeof b.process === 'function' ? b.process(call) : b.process;
    const pid = call.pid!;
    running.set(pid, call);
    let settle: (status: ExitStatus) => void = () => {};
    const exited = new Promise<ExitStatus>((resolve) => (settle = resolve));
    let ended = false;
    const timers: NodeJS.Timeout[] = [];
    const end = (status: ExitStatus): void => {
      if (ended) return;
      ended = true;
      timers.forEach(clearTimeout);
      running.delete(pid);
      call.options.signal?.removeEventListener('abort', onAbort);
      settle(status);
    };
    const onAbort = (): void => end({ exitCode: undefined, signal: 'SIGTERM' });
    call.options.signal?.addEventListener('abort', onAbort, { once: true });
    const lines = Array.isArray(spec.lines) ? { stdout: spec.lines } : (spec.lines ?? {});
    timers.push(setTimeout(() => {
      for (const stream of ['stdout', 'stderr'] as const) for (const line of lines[stream] ?? []) call.options.onLine?.(line, stream);
    }, 0));
    if (spec.exitAfterMs !== undefined) timers.push(setTimeout(() => end({ exitCode: spec.exitCode ?? 1, signal: undefined }), spec.exitAfterMs));
    void spec.exitOn?.then(() => end({ exitCode: spec.exitCode ?? 1, signal: undefined }));
    return {
      pid,
      exited,
      stop: async () => {
        end({ exitCode: undefined, signal: 'SIGTERM' });
        return exited;
      },
    };
  }

  /** @internal */
  async answer(call: RecordedCall): Promise<RunResult> {
    this.remaining -= 1;
    this.used += 1;
    const b = this.behaviour;
    if (!b) throw new Error(`FakeRunner: ${this.description} matched but was given no behaviour (respond/fail/notFound/timeout/hang)`);
    const { argv, options } = call;
    if (options.signal?.aborted) throw aborted(argv);
    if (b.kind === 'fail') throw b.error(call);
    if (b.kind === 'process') throw new Error(`FakeRunner: ${this.description} describes a process (start()), but run() was called`);
    if (b.kind === 'hang') {
      await waitFor(argv, Infinity, options);
      throw new Error('unreachable');
    }
    const response = typeof b.response === 'function' ? await b.response(call) : b.response;
    if (response.delayMs) await waitFor(argv, response.delayMs, options);
    const result = { argv, exitCode: response.exitCode ?? 0, stdout: response.stdout ?? '', stderr: response.stderr ?? '' };
    if (options.onLine) {
      for (const stream of ['stdout', 'stderr'] as const) {
        for (const line of result[stream].split('\n').filter(Boolean)) options.onLine(line, stream);
      }
    }
    if (result.exitCode !== 0 && !options.allowFailure) throw new CommandError(argv, result);
    return result;
  }
}

export class FakeRunner implements Runner {
  readonly calls: RecordedCall[] = [];
  /** Calls nobody expected (each also rejected with UnexpectedCommandError). */
  readonly unexpected: RecordedCall[] = [];
  private readonly expectations: Expectation[] = [];

  /** Registers an expected command; the first matching expectation with uses left answers a call. */
  expect(matcher: ArgvMatcher, description = typeof matcher === 'function' ? matcher.toString() : JSON.stringify(matcher)): Expectation {
    const e = new Expectation(matcher, description);
    this.expectations.push(e);
    return e;
  }

  async run(argv: readonly [string, ...string[]], options: RunOptions = {}): Promise<RunResult> {
    const call: RecordedCall = { argv: [...argv], input: options.input, options };
    this.calls.push(call);
    const e = this.expectations.find((x) => x.matches(argv));
    if (!e) {
      this.unexpected.push(call);
      throw new UnexpectedCommandError(argv, this.expectations.map((x) => x.description));
    }
    return e.answer(call);
  }

  private nextPid = 90_000;
  /** Fake processes started and not yet ended, by pid. */
  readonly running = new Map<number, RecordedCall>();

  async start(argv: readonly [string, ...string[]], options: StartOptions = {}): Promise<StartedProcess> {
    const call: RecordedCall = { argv: [...argv], input: undefined, options, pid: this.nextPid++ };
    this.calls.push(call);
    const e = this.expectations.find((x) => x.matches(argv));
    if (!e) {
      this.unexpected.push(call);
      throw new UnexpectedCommandError(argv, this.expectations.map((x) => x.description));
    }
    return e.startProcess(call, this.running);
  }

  /** The recorded calls whose argv starts with `prefix`. */
  callsTo(prefix: readonly string[]): RecordedCall[] {
    return this.calls.filter((c) => prefix.every((a, i) => c.argv[i] === a));
  }

  /**
   * Fails loudly when a command nobody expected was run (even if the code under test swallowed the error)
   * or a required expectation was never used.
   */
  verify(): void {
    const problems: string[] = [];
    for (const c of this.unexpected) problems.push(`unexpected command: ${JSON.stringify(c.argv)}`);
    for (const e of this.expectations) if (e.unmet) problems.push(`expected but never run: ${e.description}`);
    for (const c of this.running.values()) problems.push(`still running (never stopped): ${JSON.stringify(c.argv)}`);
    if (problems.length) throw new Error(`FakeRunner.verify():\n  ${problems.join('\n  ')}`);
  }
}

function aborted(argv: readonly string[]): CommandError {
  return new CommandError(argv, { exitCode: undefined, stdout: '', stderr: '', aborted: true });
}

/** Resolves after `ms` (Infinity: never); rejects like ExecaRunner on the call's abort or timeout. */
function waitFor(argv: readonly string[], ms: number, options: RunOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const timers: NodeJS.Timeout[] = [];
    const done = (fn: () => void): void => {
      timers.forEach(clearTimeout);
      options.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = (): void => done(() => reject(aborted(argv)));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (Number.isFinite(ms)) timers.push(setTimeout(() => done(resolve), ms));
    if (options.timeoutMs !== undefined && options.timeoutMs < ms) {
      timers.push(setTimeout(() => done(() => reject(new CommandError(argv, { exitCode: undefined, stdout: '', stderr: '', timedOut: true }))), options.timeoutMs));
    }
  });
}
