// engineMessage: the engine's own words out of the error shapes docker-modem produces.
import { describe, expect, it } from 'vitest';
import { engineMessage } from '../../../src/tools/docker.js';

/** An error as docker-modem's buildPayload makes it (json is the parsed body for non-streaming calls only). */
function modemError(statusCode: number, reason: string, body: string, json: unknown): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) ${reason} - ${body} `), { statusCode, reason, json });
}

describe('engineMessage', () => {
  it.each([
    {
      what: 'a streaming call (pull): the body only in the wrapper',
      error: modemError(500, 'server error', 'Get "https://x.invalid/v2/": dial tcp: lookup x.invalid: no such host', null),
      message: 'Get "https://x.invalid/v2/": dial tcp: lookup x.invalid: no such host',
    },
    {
      what: 'a streaming call (save) with an unexpected status',
      error: modemError(404, 'image not found', 'reference does not exist', null),
      message: 'reference does not exist',
    },
    {
      what: 'a non-streaming call: the parsed body',
      error: modemError(409, 'container stopped/paused', 'Container abc is not running', { message: 'Container abc is not running' }),
      message: 'Container abc is not running',
    },
    {
      what: 'a body message holding " - " itself',
      error: modemError(500, 'server error', 'pull access denied - repository does not exist', null),
      message: 'pull access denied - repository does not exist',
    },
    { what: 'a socket error (no status code): as it is', error: new Error('connect ENOENT /var/run/docker.sock'), message: 'connect ENOENT /var/run/docker.sock' },
    { what: 'not an Error', error: 'boom', message: 'boom' },
  ])('$what', ({ error, message }) => {
    expect(engineMessage(error)).toBe(message);
  });
});
