// Every usage error leaves through the one formatter and exits 2: whatever said no (yargs, the configuration,
// the state folder), stderr is exactly formatError() of the error the --json document carries. No snapshots:
// the same run's JSON document is the reference for its text.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatError } from '../../../src/errors.js';
import { runInProcess, sandbox } from '../../helpers/cli.js';

const box = sandbox();
afterAll(() => rmSync(box.dir, { recursive: true, force: true }));

interface Case {
  argv: string[];
  /** What the message says (the point of the case). */
  says: RegExp;
  env?: Record<string, string>;
  yaml?: string;
}

const CASES: Record<string, Case> = {
  'no command': { argv: [], says: /^no command given$/ },
  'unknown command': { argv: ['start'], says: /^unknown command "start"; did you mean `floe-dev up`\?$/ },
  'mistyped command': { argv: ['stauts'], says: /did you mean `floe-dev status`/ },
  'unknown option': { argv: ['up', '--recreat'], says: /^unknown option --recreat; did you mean --recreate\?$/ },
  'invalid choice': { argv: ['up', '--component', 'orchestrater'], says: /^--component: value "orchestrater" is not allowed \(did you mean "orchestrator"\?\)/ },
  'invalid global choice': { argv: ['config', '--output', 'xml'], says: /^--output: value "xml" is not allowed; allowed: text, json$/ },
  'invalid positional': { argv: ['forward', 'sideways'], says: /^<action>: value "sideways" is not allowed/ },
  'missing positional': { argv: ['load'], says: /^`floe-dev load` needs <images\.\.>$/ },
  'extra argument': { argv: ['status', 'extra'], says: /^unexpected argument "extra" for `floe-dev status`/ },
  'completion for an unknown shell': { argv: ['completion', 'fish'], says: /^<shell>: value "fish" is not allowed/ },
  'an image that is not pinned': { argv: ['load', 'my-org/code'], says: /^image "my-org\/code" must be pinned/ },
  'a bad value in floe-dev.yaml': { argv: ['config'], yaml: 'forwards:\n  cube: 99999\n', says: /^`forwards\.cube` \(in .*floe-dev\.yaml\): value 99999 is out of range/ },
  'several problems at once': { argv: ['config'], yaml: 'namespce: x\nimages:\n  load: yes\n', says: /^the configuration has 2 problems:\n- `images\.load` .*\n- unknown key `namespce`/ },
  'floe-dev.yaml that is not YAML': { argv: ['render'], yaml: 'cluster:\n  name: a\n   bad: [\n', says: /is not valid YAML: Nested mappings are not allowed in compact mappings\n/ },
  'an unknown FLOE_DEV_ variable': { argv: ['config'], env: { FLOE_DEV_NAMESPAC: 'x' }, says: /^unknown environment variable FLOE_DEV_NAMESPAC; did you mean FLOE_DEV_NAMESPACE\?$/ },
  'a timeout without its unit': { argv: ['up', '--timeout', '15'], says: /^`timeouts\.up` \(in --timeout\): value "15" needs a unit: write 15s or 15m$/ },
  'a namespace of Kubernetes itself': { argv: ['render', '--namespace', 'kube-system'], says: /^`namespace` \(in --namespace\): value "kube-system" belongs to Kubernetes itself/ },
  // Found by the hostile-input suite: a list where one value was expected was "an unexpected problem" (exit 1).
  'an option given twice': { argv: ['config', '--config', 'a.yaml', '--config', 'b.yaml'], says: /^--config is given 2 times \("a\.yaml", "b\.yaml"\): give it once$/ },
  "a command's option given twice": { argv: ['up', '--timeout', '1m', '--timeout', '2m'], says: /^--timeout is given 2 times \("1m", "2m"\): give it once$/ },
  'an option without its value': { argv: ['config', '--output'], says: /^--output needs a value$/ },
  'an option whose value is another option': { argv: ['up', '--timeout', '--recreate'], says: /^--timeout needs a value$/ },
  'an image with a line break': { argv: ['load', 'nginx:1\n'], says: /^image "nginx:1\\n" is not a valid image reference/ },
  'a state folder that is a file': { argv: ['render'], env: { FLOE_DEV_HOME: join(box.dir, 'a-file') }, says: /^floe-dev cannot use the state folder .*a-file\/clusters\/floe-dev: .*a-file is a file, not a folder$/ },
};

/** Words of yargs's own messages, which must never reach the user. */
const YARGS_WORDS = /Invalid values|Argument: |Choices: |Unknown argument|Did you mean|Not enough non-option|Options:|\[boolean\]/;

describe.each(Object.entries(CASES))('%s', (name, c) => {
  const cwd = join(box.dir, name.replace(/\W+/g, '-'));
  mkdirSync(cwd, { recursive: true });
  if (c.yaml) writeFileSync(join(cwd, 'floe-dev.yaml'), c.yaml);
  writeFileSync(join(box.dir, 'a-file'), '');
  const invoke = (json: boolean) => runInProcess(json ? [...c.argv, '--json'] : c.argv, { cwd, env: { ...box.env, ...c.env } });

  it('exits 2 with the message formatted by formatError, and the same error as one JSON document', async () => {
    const text = await invoke(false);
    const json = await invoke(true);
    expect(text.code, text.err).toBe(2);
    expect(json.code).toBe(2);
    expect(text.out).toBe('');

    const doc = JSON.parse(json.out) as { ok: boolean; error: { message: string; hint?: string; exitCode: number } };
    expect(doc.ok).toBe(false);
    expect(doc.error.exitCode).toBe(2);
    expect(doc.error.message).toMatch(c.says);
    // The one formatter: the text is exactly what it makes of the error the document carries.
    expect(text.err).toBe(formatError(doc.error));
    expect(json.err).toBe(text.err);
    expect(text.err.match(/^error: /gm)).toHaveLength(1);
    expect(doc.error.hint, 'every usage error says what to do').toBeTruthy();
    expect(text.err).not.toMatch(YARGS_WORDS);
    expect(text.err).not.toMatch(/\n\s+at /);
  });
});
