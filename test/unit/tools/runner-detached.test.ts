// A detached process writes its log itself: the caller relays nothing, so it can exit first and the
// process keeps logging after (the forward supervisor depends on it).
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExecaRunner } from '../../../src/tools/runner.js';

describe.skipIf(process.platform !== 'linux')('ExecaRunner.start detached (Linux /proc)', () => {
  it("gives the process the log file as its own stdout and stderr, not a pipe through us", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'floe-detached-'));
    const logFile = join(dir, 'out.log');
    const runner = new ExecaRunner();
    const started = await runner.start([process.execPath, '-e', 'console.log("up"); setInterval(() => {}, 1000)'], { detached: { logFile } });
    try {
      expect(readlinkSync(`/proc/${started.pid}/fd/1`)).toBe(logFile);
      expect(readlinkSync(`/proc/${started.pid}/fd/2`)).toBe(logFile);
      for (let i = 0; i < 200 && !readFileSync(logFile, 'utf8').includes('up'); i++) await new Promise((r) => setTimeout(r, 25));
      expect(readFileSync(logFile, 'utf8')).toContain('up');
    } finally {
      await started.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
