// The warehouse bucket, proven by its effect: a SigV4-signed S3 HEAD, and a PUT when the Job did not make it.
import { FloeError } from '../errors.js';
import type { Http, HttpResponse } from '../tools/http.js';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface S3Target {
  /** e.g. http://127.0.0.1:53211 (a short-lived port-forward to MinIO). */
  endpoint: string;
  credentials: S3Credentials;
  signal?: AbortSignal;
}

/** MinIO ignores the region, but SigV4 signs one (MinIO's default, us-east-1). */
const REGION = 'us-east-1';

/** One S3 request signed with AWS Signature Version 4 (aws4), path-style as MinIO serves it. */
export async function s3Request(http: Http, target: S3Target, method: 'HEAD' | 'PUT' | 'GET', path: string): Promise<HttpResponse> {
  const { default: aws4 } = await import('aws4');
  const url = new URL(path, target.endpoint);
  const signed = aws4.sign(
    { host: url.host, path: url.pathname + url.search, method, service: 's3', region: REGION, headers: {}, body: '' },
    target.credentials,
  );
  return http.request({
    url: url.toString(),
    method,
    headers: signed.headers as Record<string, string>,
    ...(method === 'PUT' ? { body: '' } : {}),
    timeoutMs: 10_000,
    retries: 2,
    signal: target.signal,
  });
}

/** Whether the bucket was there, or floe-dev had to create it. */
export type BucketOutcome = 'exists' | 'created';

/** Makes sure the bucket exists: HEAD; on 404 PUT, then HEAD again to prove it. */
export async function ensureBucket(http: Http, target: S3Target, bucket: string): Promise<BucketOutcome> {
  const head = await s3Request(http, target, 'HEAD', `/${bucket}`);
  if (head.status === 200) return 'exists';
  if (head.status !== 404) throw s3Failure(`checking the bucket "${bucket}"`, head);
  const put = await s3Request(http, target, 'PUT', `/${bucket}`);
  // 409 BucketAlreadyOwnedByYou: created meanwhile (by the Job's retry) — fine.
  if (put.status !== 200 && put.status !== 409) throw s3Failure(`creating the bucket "${bucket}"`, put);
  const again = await s3Request(http, target, 'HEAD', `/${bucket}`);
  if (again.status !== 200) throw s3Failure(`checking the bucket "${bucket}" after creating it`, again);
  return 'created';
}

/** S3 errors come as XML: `<Error><Code>SignatureDoesNotMatch</Code><Message>...</Message></Error>`. */
export function s3ErrorCode(body: string): { code?: string; message?: string } {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
  return { code, message };
}

function s3Failure(what: string, response: HttpResponse): FloeError {
  const { code, message } = s3ErrorCode(response.body);
  const auth = response.status === 403 || code === 'SignatureDoesNotMatch' || code === 'InvalidAccessKeyId';
  return new FloeError(`MinIO answered ${response.status}${code ? ` ${code}` : ''} ${what}${message ? `: ${message}` : ''}`, {
    hint: auth
      ? 'MinIO does not accept the credentials in the state folder (its data may come from another cluster): `floe-dev down` then `floe-dev up` starts it afresh'
      : 'run `floe-dev up` again; `floe-dev status` shows whether MinIO is healthy',
  });
}
