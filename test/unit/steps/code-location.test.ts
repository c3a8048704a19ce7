// The code-location reload's pure parts: Dagster's answer to reloadRepositoryLocation, finding a location, --image.
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { UsageError } from '../../../src/errors.js';
import { findCodeLocation, parseReload, withCodeLocationImage } from '../../../src/steps/code-location.js';

const entry = (locationOrLoadError: unknown) => JSON.stringify({ data: { reloadRepositoryLocation: { __typename: 'WorkspaceLocationEntry', name: 'sales', loadStatus: 'LOADED', locationOrLoadError } } });

describe('parseReload', () => {
  it.each<[string, number, string, unknown]>([
    ['a loaded location', 200, entry({ __typename: 'RepositoryLocation', name: 'sales', repositories: [{ name: '__repository__' }] }), { loaded: true, repositories: ['__repository__'] }],
    [
      'code that fails to import: Dagster’s Python error',
      200,
      entry({ __typename: 'PythonError', message: "ModuleNotFoundError: No module named 'sales'\n", stack: ['  File "x.py", line 1\n'] }),
      { loaded: false, reason: 'the code failed to load', pythonError: { message: "ModuleNotFoundError: No module named 'sales'\n", stack: ['  File "x.py", line 1\n'] } },
    ],
    ['a location Dagster does not know', 200, JSON.stringify({ data: { reloadRepositoryLocation: { __typename: 'RepositoryLocationNotFound', message: 'Location sales does not exist.' } } }), { loaded: false, reason: 'RepositoryLocationNotFound: Location sales does not exist.' }],
    ['a GraphQL error', 400, JSON.stringify({ errors: [{ message: 'Cannot query field "x"' }] }), { loaded: false, reason: 'Dagster\'s GraphQL refused the reload: Cannot query field "x"' }],
    ['not JSON', 502, '<html>bad gateway</html>', { loaded: false, reason: 'Dagster answered 502 with no JSON' }],
  ])('%s', (_what, status, body, expected) => {
    expect(parseReload(status, body)).toEqual(expected);
  });
});

describe('finding a code location', () => {
  const config = configSchema.parse({ orchestrator: { codeLocations: [{ name: 'sales', image: 'my/sales:1', module: 'sales' }, { name: 'ml', image: 'my/ml:1', package: 'ml' }] } });

  it('by its name, or a usage error naming the ones there are and the one meant', () => {
    expect(findCodeLocation(config, 'ml').workload).toBe('dagster-code-ml');
    const e = (() => {
      try {
        findCodeLocation(config, 'sale');
      } catch (error) {
        return error as UsageError;
      }
    })();
    expect(e).toBeInstanceOf(UsageError);
    expect(e?.message).toBe('there is no code location named "sale"; did you mean "sales"?');
    expect(e?.hint).toContain('sales, ml');
  });

  it('the example when none is configured', () => {
    expect(findCodeLocation(configSchema.parse({}), 'example')).toMatchObject({ example: true, workload: 'dagster-code-location' });
  });

  it('--image changes only that location (the example through its service override)', () => {
    const changed = withCodeLocationImage(config, findCodeLocation(config, 'sales'), 'my/sales:2');
    expect(changed.orchestrator.codeLocations.map((l) => l.image)).toEqual(['my/sales:2', 'my/ml:1']);
    expect(config.orchestrator.codeLocations[0]!.image).toBe('my/sales:1'); // the original is left as it is
    const example = configSchema.parse({});
    expect(withCodeLocationImage(example, findCodeLocation(example, 'example'), 'dagster/dagster-k8s:1.13.26').services['dagster-code-location']?.image).toBe('dagster/dagster-k8s:1.13.26');
  });
});
