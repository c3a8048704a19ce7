// The Polaris bootstrap Job's script: idempotent, credentials through a file that does not outlive the run.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BOOTSTRAP_SCRIPT } from '../../../src/platform/services/polaris-bootstrap.js';
import { named, render } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'floe-bootstrap-'));
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'work'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Kubernetes turns `$$` into `$` in a container's command before the shell sees it. */
const script = BOOTSTRAP_SCRIPT.replaceAll('$$', '$');

/** A fake `java` that records its argv and the credentials file, then behaves as told. */
function fakeJava(behaviour: string): void {
  const java = join(dir, 'bin', 'java');
  writeFileSync(
    java,
    `#!/bin/sh
printf '%s\\n' "$@" > "${dir}/argv"
for a in "$@"; do case "$a" in --credentials-file=*) cp "\${a#--credentials-file=}" "${dir}/seen.yaml" ;; esac; done
${behaviour}
`,
  );
  chmodSync(java, 0o755);
}

function runScript() {
  return spawnSync('/bin/sh', ['-c', script], {
    encoding: 'utf8',
    env: {
      PATH: `${join(dir, 'bin')}:/usr/bin:/bin`,
      WORK_DIR: join(dir, 'work'),
      POLARIS_REALM: 'POLARIS',
      POLARIS_CLIENT_ID: 'floe-client',
      POLARIS_CLIENT_SECRET: 'TopSecretValue123',
    },
  });
}

describe('the Polaris bootstrap script', () => {
  it('bootstraps from a credentials file (realm → client-id, client-secret), never from argv', () => {
    fakeJava(`echo "Realm 'POLARIS' successfully bootstrapped."; exit 0`);
    const r = runScript();
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const argv = readFileSync(join(dir, 'argv'), 'utf8');
    expect(argv).toMatch(/^-jar\n\/deployments\/polaris-admin-tool\.jar\nbootstrap\n--credentials-file=/);
    expect(argv).not.toContain('TopSecretValue123');
    expect(parse(readFileSync(join(dir, 'seen.yaml'), 'utf8'))).toEqual({
      POLARIS: { 'client-id': 'floe-client', 'client-secret': 'TopSecretValue123' },
    });
    expect(existsSync(join(dir, 'work', 'credentials.yaml'))).toBe(false);
    expect(r.stdout).toMatch(/successfully bootstrapped/);
  });

  it('a re-run succeeds as the 1.7.0 admin tool reports it: already bootstrapped, exit 0 (BootstrapCommand)', () => {
    fakeJava(`echo "Realm 'POLARIS' is already bootstrapped; skipping."; echo 'Bootstrap completed (1 realm(s) already bootstrapped).'; exit 0`);
    const r = runScript();
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toBe("Realm 'POLARIS' is already bootstrapped; skipping.\nBootstrap completed (1 realm(s) already bootstrapped).\n");
    expect(existsSync(join(dir, 'work', 'credentials.yaml'))).toBe(false);
  });

  it.each([
    ['a refused connection', `echo 'Connection to catalog-db:5432 refused.' >&2; echo 'Bootstrap encountered errors during operation.' >&2; exit 3`, 3],
    // 1.6 and older failed a re-run with exit 3 and this message; 1.7.0 no longer does, so it is a failure like any other.
    ['the pre-1.7 "already been bootstrapped" error', `echo 'It appears this metastore manager has already been bootstrapped.' >&2; exit 3`, 3],
    ['a killed JVM', 'kill -9 $$', 137],
  ])('fails with the tool’s exit code on %s, its output in the log, the credentials file gone', (_what, behaviour, code) => {
    fakeJava(behaviour);
    const r = runScript();
    expect(r.status).toBe(code);
    if (code === 3) expect(r.stderr).toMatch(/Bootstrap encountered errors|already been bootstrapped/);
    expect(existsSync(join(dir, 'work', 'credentials.yaml'))).toBe(false);
  });

  it('is what the Job runs, with its work folder and secrets from the environment', () => {
    const job = named(render(), 'Job', 'polaris-bootstrap');
    const c = job.spec!.template.spec!.containers[0]!;
    expect(c.command).toEqual(['/bin/sh', '-c', BOOTSTRAP_SCRIPT]);
    expect(c.env).toContainEqual({ name: 'WORK_DIR', value: '/tmp/polaris-bootstrap' });
    expect(c.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: '/tmp/polaris-bootstrap' }));
    for (const name of ['POLARIS_REALM', 'POLARIS_CLIENT_ID', 'POLARIS_CLIENT_SECRET', 'QUARKUS_DATASOURCE_PASSWORD']) {
      expect(c.env?.find((e) => e.name === name)?.valueFrom?.secretKeyRef).toBeDefined();
    }
  });
});
