// Smoke evaluation: each expectation kind passing and failing, with the reason a person reads.
import { describe, expect, it } from 'vitest';
import { bodyError, evaluate, jsonAt } from '../../../src/smoke/evaluate.js';
import { CATALOG } from '../../../src/platform/catalog.js';
import type { SmokeCheck } from '../../../src/platform/types.js';

const check = (name: string): SmokeCheck => {
  const found = CATALOG.flatMap((s) => s.smoke ?? []).find((c) => c.name === name);
  if (!found) throw new Error(`no smoke check ${name}`);
  return found;
};
const answer = (status: number, body: unknown) => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('evaluate (the catalog checks against recorded answers)', () => {
  it.each<[string, string, { status: number; body: string }, RegExp | undefined]>([
    ['polaris health', 'polaris health', answer(200, { status: 'UP', checks: [] }), undefined],
    ['polaris health DOWN', 'polaris health', answer(503, { status: 'DOWN', checks: [] }), /^HTTP 503 \(expected 200\)$/],
    ['wrong credentials', 'polaris oauth token', answer(401, { error: 'unauthorized_client', error_description: 'The client is not authorized' }), /^HTTP 401: unauthorized_client: The client is not authorized/],
    ['a token', 'polaris oauth token', answer(200, { access_token: 'abc.def', token_type: 'bearer' }), undefined],
    ['the platform catalog listed', 'polaris catalogs', answer(200, { catalogs: [{ name: 'other' }, { name: 'floe', type: 'INTERNAL' }] }), undefined],
    ['an empty catalog list', 'polaris catalogs', answer(200, { catalogs: [] }), /^catalogs has no \{"name":"floe"\} \(it lists nothing\)$/],
    ['only other catalogs', 'polaris catalogs', answer(200, { catalogs: [{ name: 'demo' }] }), /it lists demo/],
    ['an unknown warehouse', 'polaris iceberg config', answer(404, { error: { message: 'Unable to find warehouse floe', type: 'NotFoundException', code: 404 } }), /^HTTP 404: NotFoundException: Unable to find warehouse floe/],
    ['a namespace created', 'polaris namespace', answer(200, { namespace: ['floe_smoke'], properties: {} }), undefined],
    ['a namespace already there', 'polaris namespace', answer(409, { error: { type: 'AlreadyExistsException', message: 'exists', code: 409 } }), undefined],
    ['no grant to create it', 'polaris namespace', answer(403, { error: { type: 'ForbiddenException', message: "Principal 'root' ... is not authorized for op CREATE_NAMESPACE", code: 403 } }), /^HTTP 403: ForbiddenException: .*CREATE_NAMESPACE \(expected 200 or 409\)/],
    ['the namespace listed', 'polaris namespaces listed', answer(200, { namespaces: [['a'], ['floe_smoke']] }), undefined],
    ['the namespace missing from the list', 'polaris namespaces listed', answer(200, { namespaces: [['a']] }), /^namespaces has no \["floe_smoke"\]/],
    ['bad JWT signature', 'cube meta', answer(403, { error: 'Invalid token' }), /^HTTP 403: Invalid token/],
    ['empty meta', 'cube meta', answer(200, { cubes: [] }), /^cubes is empty$/],
    ['cubes listed', 'cube meta', answer(200, { cubes: [{ name: 'platform_components' }] }), undefined],
    ['load rows', 'cube load', answer(200, { data: [{ 'platform_components.count': '5' }] }), undefined],
    ['load without rows', 'cube load', answer(200, { data: [] }), /^data is empty$/],
    ['load of a cube the model lacks', 'cube load', answer(400, { type: 'UserError', error: "'count' not found for path 'platform_components.count'" }), /HTTP 400: 'count' not found/],
    ['server info', 'dagster server info', answer(200, { dagster_webserver_version: '1', dagster_version: '1', dagster_graphql_version: '1' }), undefined],
    ['server info without versions', 'dagster server info', answer(200, {}), /^dagster_webserver_version missing from the answer$/],
    ['graphql version', 'dagster graphql', answer(200, { data: { version: '1.13.25' } }), undefined],
    ['graphql errors', 'dagster graphql', answer(400, { errors: [{ message: 'Cannot query field "versoin" on type "Query".' }] }), /HTTP 400: Cannot query field "versoin"/],
    [
      'code location loaded',
      'dagster code location',
      answer(200, { data: { workspaceOrError: { __typename: 'Workspace', locationEntries: [{ name: 'example', locationOrLoadError: { __typename: 'RepositoryLocation' } }] } } }),
      undefined,
    ],
    [
      'code location failed to load',
      'dagster code location',
      answer(200, {
        data: {
          workspaceOrError: {
            __typename: 'Workspace',
            locationEntries: [{ name: 'example', locationOrLoadError: { __typename: 'PythonError', message: 'DagsterUserCodeUnreachableError: Could not reach user code server' } }],
          },
        },
      }),
      /^1 of 1 without locationOrLoadError.__typename "RepositoryLocation": example \(locationOrLoadError.__typename is "PythonError"\): DagsterUserCodeUnreachableError: Could not reach user code server$/,
    ],
    ['no code location at all', 'dagster code location', answer(200, { data: { workspaceOrError: { __typename: 'Workspace', locationEntries: [] } } }), /locationEntries is empty/],
    [
      'the workspace itself failed',
      'dagster code location',
      answer(200, { data: { workspaceOrError: { __typename: 'PythonError', message: 'workspace.yaml: bad' } } }),
      /^data.workspaceOrError.__typename is "PythonError", expected "Workspace": workspace.yaml: bad$/,
    ],
    [
      'daemons healthy (an unrequired one may be down)',
      'dagster daemon',
      answer(200, { data: { instance: { daemonHealth: { allDaemonStatuses: [{ daemonType: 'SCHEDULER', required: true, healthy: true }, { daemonType: 'MONITORING', required: false, healthy: null }] } } } }),
      undefined,
    ],
    [
      'a required daemon unhealthy',
      'dagster daemon',
      answer(200, { data: { instance: { daemonHealth: { allDaemonStatuses: [{ daemonType: 'SCHEDULER', required: true, healthy: false }, { daemonType: 'SENSOR', required: true, healthy: true }] } } } }),
      /^1 of 2 without healthy true: SCHEDULER \(healthy is false\)$/,
    ],
    ['not JSON', 'cube meta', answer(200, '<html>'), /not JSON/],
  ])('%s', (_what, name, response, failure) => {
    const verdict = evaluate(check(name), response);
    if (!failure) expect(verdict).toMatchObject({ ok: true });
    else {
      expect(verdict.ok).toBe(false);
      expect(verdict.ok ? '' : verdict.reason).toMatch(failure);
    }
  });

  it('captures what later checks need', () => {
    expect(evaluate(check('polaris oauth token'), answer(200, { access_token: 'tok' }))).toEqual({ ok: true, captures: { polarisToken: 'tok' } });
    expect(evaluate(check('polaris iceberg config'), answer(200, { overrides: { prefix: 'floe' } }))).toEqual({ ok: true, captures: { prefix: 'floe' } });
  });
});

describe('helpers', () => {
  it.each([
    [{ error: { type: 'NotFoundException', message: 'x' } }, 'NotFoundException: x'],
    [{ error: 'invalid_client', error_description: 'bad' }, 'invalid_client: bad'],
    [{ error: 'Invalid token' }, 'Invalid token'],
    [{ errors: [{ message: 'boom' }] }, 'boom'],
    [{ data: {} }, undefined],
    ['text', undefined],
  ])('bodyError(%j) is %j', (body, want) => {
    expect(bodyError(body)).toBe(want);
  });

  it('reads dotted paths', () => {
    expect(jsonAt({ a: { b: [1] } }, 'a.b')).toEqual([1]);
    expect(jsonAt({ a: null }, 'a.b')).toBeUndefined();
  });
});
