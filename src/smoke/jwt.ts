// HS256 JSON Web Tokens, as Cube verifies them with CUBEJS_API_SECRET (RFC 7519; no library needed).
import { createHmac } from 'node:crypto';

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** A short-lived token: `iat` now, `exp` after `ttlSeconds`. */
export function hs256Jwt(secret: string, claims: Record<string, unknown> = {}, nowMs = Date.now(), ttlSeconds = 300): string {
  const iat = Math.floor(nowMs / 1000);
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify({ iat, exp: iat + ttlSeconds, ...claims }));
  const signature = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}
