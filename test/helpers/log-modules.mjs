// Loaded with `node --import`: prints the URL of every module the program loads to stderr, one per line,
// prefixed "module: " (for tests that check what a command loads).
import { register } from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (result.url.startsWith('file:')) process.stderr.write('module: ' + result.url + '\\n');
  return result;
}`));
