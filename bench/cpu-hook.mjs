// Loaded with `node --import` by bench/run.js: at exit, appends the process's whole CPU time (user + system,
// from getrusage, start-up included) in microseconds to $BENCH_CPU_FILE.
import { appendFileSync } from 'node:fs';

process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  appendFileSync(process.env.BENCH_CPU_FILE, `${user + system}\n`);
});
