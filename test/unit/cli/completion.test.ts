// Shell completion as a user gets it: `floe-dev` on PATH (as `npm link` puts it), the script from
// `floe-dev completion bash|zsh` loaded into the real shell, and the words it offers.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runBuilt, sandbox } from '../../helpers/cli.js';

const box = sandbox();
const binDir = join(box.dir, 'bin');
mkdirSync(binDir);
symlinkSync(BIN, join(binDir, 'floe-dev'));
const env = { ...box.env, PATH: [binDir, dirname(process.execPath), '/usr/bin', '/bin'].join(':') };
afterAll(() => rmSync(box.dir, { recursive: true, force: true }));

const has = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

describe.skipIf(!has('bash'))('bash', () => {
  /** The words bash offers for `line` (the cursor at its end), through the completion function. */
  function complete(line: string): string[] {
    const script = [
      'source <(floe-dev completion bash)',
      `read -ra COMP_WORDS <<< ${JSON.stringify(line)}`,
      line.endsWith(' ') ? 'COMP_WORDS+=("")' : ':',
      'COMP_CWORD=$((${#COMP_WORDS[@]} - 1))',
      '_floe_dev_completions',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const r = spawnSync('bash', ['-c', script], { env, cwd: box.dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter(Boolean);
  }

  it.each([
    ['floe-dev u', ['up']],
    ['floe-dev cre', ['credentials']],
    ['floe-dev up --re', ['--recreate']],
    ['floe-dev render --component s', ['storage', 'semantic']],
  ])('%j → %j', (line, words) => {
    expect(complete(line)).toEqual(words);
  });

  it('offers every command after `floe-dev `, and no hidden one', () => {
    const words = complete('floe-dev ');
    expect(words).toEqual(expect.arrayContaining(['up', 'down', 'smoke', 'status', 'credentials', 'doctor', 'load', 'render', 'forward', 'config', 'completion']));
    expect(words.filter((w) => w.startsWith('_'))).toEqual([]);
  });
});

describe('zsh', () => {
  it('gets name:description pairs for _describe', async () => {
    const r = await runBuilt(['--get-yargs-completions', 'floe-dev', 'u'], { cwd: box.dir, env: { ...env, ZSH_NAME: 'zsh' } });
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toContain('up:Create the cluster, load images, install the platform, forward ports and smoke-check it');
  });

  it.skipIf(!has('zsh'))('loads in zsh after compinit and registers floe-dev', () => {
    const script = 'autoload -Uz compinit; compinit -u -d "$HOME/.zcompdump"; eval "$(floe-dev completion zsh)"; print -r -- ${_comps[floe-dev]}';
    const r = spawnSync('zsh', ['-f', '-c', script], { env, cwd: box.dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('_floe_dev_completions');
  });

  it('is chosen from $SHELL when no shell is named', async () => {
    const zsh = await runBuilt(['completion'], { cwd: box.dir, env: { ...env, SHELL: '/bin/zsh' } });
    const bash = await runBuilt(['completion'], { cwd: box.dir, env: { ...env, SHELL: '/bin/bash' } });
    expect(zsh.out).toMatch(/^#compdef floe-dev\n/);
    expect(bash.out).toMatch(/complete -o bashdefault -o default -F _floe_dev_completions floe-dev/);
    expect((await runBuilt(['completion', 'zsh'], { cwd: box.dir, env })).out).toBe(zsh.out);
  });
});
