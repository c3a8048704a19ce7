// The detached forward supervisor's own process: `node supervisor.js PLAN_FILE`. Keeps the planned forwards
// up, keeps their record in the state folder, logs to stdout (the log file), and on SIGTERM/SIGINT/SIGHUP
// stops its kubectl children before it exits. A separate entry, not a CLI command: it reads a resolved plan
// (ports already chosen), so it loads neither yargs nor the configuration, and its command line names the
// plan, which is how `down` and `status` recognise it by pid.
import { readFileSync, rmSync } from 'node:fs';
import { systemClock } from '../clock.js';
import { GotHttp } from '../tools/http.js';
import { ExecaRunner } from '../tools/runner.js';
import type { ForwardPlan } from './plan.js';
import { probeForward } from './probe.js';
import { bootTime } from './process.js';
import { readForwardRecord, writeForwardRecord, type ForwardEntry } from './state.js';
import { superviseForwards } from './supervise.js';

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

async function main(planFile: string | undefined): Promise<number> {
  if (!planFile) {
    log('usage: supervisor.js PLAN_FILE');
    return 2;
  }
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as ForwardPlan;
  const controller = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, () => {
      log(`${signal}: stopping the forwards`);
      controller.abort();
    });
  }
  const started = { bootTime: bootTime(), startedAt: new Date().toISOString() };
  const ports = Object.fromEntries(plan.forwards.map((f) => [f.key, f.localPort]));
  const publish = (forwards: readonly ForwardEntry[]): void => {
    // After a stop request the record is `down`'s to remove: writing it again would resurrect it.
    if (controller.signal.aborted) return;
    writeForwardRecord(plan.recordFile, {
      pid: process.pid,
      ports,
      ...started,
      updatedAt: new Date().toISOString(),
      planFile,
      kubeconfig: plan.kubeconfig,
      forwards: [...forwards],
    });
  };
  log(`supervisor pid ${process.pid}: ${plan.forwards.map((f) => `${f.key} 127.0.0.1:${f.localPort} -> service/${f.service}:${f.port}`).join(', ')}`);
  const http = new GotHttp();
  await superviseForwards(
    plan,
    { runner: new ExecaRunner(), clock: systemClock, probe: (url, signal) => probeForward(http, url, signal), publish, log },
    controller.signal,
  );
  if (readForwardRecord(plan.recordFile)?.pid === process.pid) rmSync(plan.recordFile, { force: true });
  log('stopped');
  return 0;
}

main(process.argv[2]).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(`supervisor failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
