// An operating-system error on a path is the machine's to fix: said with the path and the fix, never "report it".
import { mkdtempSync, openSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorReport, ExitCode } from '../../../src/errors.js';

/** The error Node raises for `fn`, as it raises it. */
function raised(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('errorReport of a system error', () => {
  it('names the call, the path, the reason and a fix, with exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'floe-syserr-'));
    try {
      const loop = join(dir, 'loop');
      symlinkSync(loop, loop);
      const report = errorReport(raised(() => readFileSync(loop)));
      expect(report).toEqual({ message: `could not open ${loop}: too many symbolic links (a link that points at itself?) (ELOOP)`, hint: `look at the links on the way to ${loop} (ls -l), then run it again`, exitCode: ExitCode.failed });
      const folder = errorReport(raised(() => readFileSync(dir)));
      expect(folder.message).toBe(`could not read: it is a folder, not a file (EISDIR)`);
      const long = join(dir, 'x'.repeat(300));
      expect(errorReport(raised(() => openSync(long, 'w'))).message).toBe(`could not open ${long}: the path is too long (ENAMETOOLONG)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says too many open files with the limit to raise', () => {
    const error = Object.assign(new Error("EMFILE: too many open files, open '/s/forwards.json'"), { code: 'EMFILE', syscall: 'open', path: '/s/forwards.json', errno: -24 });
    expect(errorReport(error)).toMatchObject({ message: 'could not open /s/forwards.json: too many open files in this process (EMFILE)', hint: expect.stringContaining('ulimit -n') });
  });

  it('keeps an error it cannot place as floe-dev\'s own problem: no code, an unknown code, or no system call', () => {
    expect(errorReport(new Error('boom')).message).toBe('floe-dev hit an unexpected problem: boom');
    expect(errorReport(Object.assign(new Error('x'), { code: 'ENOENT', syscall: 'open', path: '/x' })).message).toMatch(/^floe-dev hit an unexpected problem/);
    expect(errorReport(Object.assign(new Error('x'), { code: 'EMFILE' })).message).toMatch(/^floe-dev hit an unexpected problem/);
  });
});
