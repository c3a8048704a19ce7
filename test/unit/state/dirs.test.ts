// State folders that cannot be made or written: an error naming the folder and the reason, at once. In process
// for the folder helper, and the built CLI for every command that writes state.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StateFolderError, ensureFolder, fsReason } from '../../../src/state/dirs.js';
import { runBuilt, sandbox } from '../../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'floe-dirs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const root = process.getuid?.() === 0;
/** Linux's /proc refuses new folders with ENOENT, which sent Node's recursive mkdir into an endless loop. */
const procfs = existsSync('/proc/self/status');

describe('ensureFolder', () => {
  it('makes the missing folders, mode 0700, and is idempotent', () => {
    const target = join(dir, 'a', 'b', 'c');
    ensureFolder(target);
    ensureFolder(target);
    expect(statSync(target).isDirectory()).toBe(true);
    expect(statSync(target).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o700);
  });

  it('names the file that stands where a folder should be', () => {
    writeFileSync(join(dir, 'file'), '');
    expect(() => ensureFolder(join(dir, 'file', 'clusters', 'x'))).toThrow(
      new StateFolderError(join(dir, 'file', 'clusters', 'x'), `${join(dir, 'file')} is a file, not a folder`),
    );
  });

  it.skipIf(!procfs)('returns at once where the file system refuses new folders (/proc)', () => {
    const error = (() => {
      try {
        ensureFolder('/proc/nope/clusters');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(StateFolderError);
    expect((error as StateFolderError).reason).toBe('/proc/nope cannot be created (the file system there does not take new folders)');
    expect((error as StateFolderError).exitCode).toBe(2);
  });

  it.skipIf(root)('says when the folder is not writable (skipped as root, who may write anywhere)', () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    try {
      expect(() => ensureFolder(join(locked, 'x'))).toThrow(/permission denied on .*locked\/x/);
      expect(() => ensureFolder(locked)).toThrow(/locked is not writable/);
    } finally {
      chmodSync(locked, 0o700);
    }
  });
});

describe('fsReason', () => {
  it.each([
    ['ENOENT', '/p cannot be created (the file system there does not take new folders)'],
    ['ENOTDIR', '/p is a file, not a folder'],
    ['EACCES', 'permission denied on /p'],
    ['EPERM', 'permission denied on /p'],
    ['EROFS', '/p is on a read-only file system'],
    ['ENOSPC', 'no space left on the device holding /p'],
    ['EDQUOT', 'the disk quota is exhausted for /p'],
  ])('%s', (code, text) => {
    expect(fsReason(Object.assign(new Error('x'), { code }), '/p')).toBe(text);
  });
});

describe('the CLI with an unusable FLOE_DEV_HOME', () => {
  const box = sandbox();
  afterAll(() => rmSync(box.dir, { recursive: true, force: true }));
  writeFileSync(join(box.dir, 'a-file'), '');

  const homes: [string, string, RegExp][] = [
    ['a regular file', join(box.dir, 'a-file'), /a-file is a file, not a folder/],
    ...(procfs ? ([['a folder under /proc', '/proc/nope', /\/proc\/nope cannot be created/]] as [string, string, RegExp][]) : []),
  ];

  describe.each(homes)('%s', (_name, home, reason) => {
    it.each([[['render']], [['up']], [['down']], [['load', 'my-org/code:1.0']]])('%j exits 2 naming the folder and the reason', async (argv) => {
      const r = await runBuilt(argv, { cwd: box.dir, env: { ...box.env, FLOE_DEV_HOME: home } });
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(new RegExp(`^error: floe-dev cannot use the state folder ${home}/clusters`));
      expect(r.err).toMatch(reason);
      expect(r.err).toMatch(/try: point FLOE_DEV_HOME at a folder you can write/);
      expect(r.err).not.toMatch(/unexpected problem|\n\s+at /);
    });
  });
});
