// The HTTP seam over got: GET/POST with a timeout, bounded retries with backoff, and the body as text.

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'HEAD';
  headers?: Record<string, string>;
  /** JSON body (sets content-type). */
  json?: unknown;
  /** application/x-www-form-urlencoded body. */
  form?: Record<string, string>;
  /** A raw body (e.g. an empty S3 PUT, signed by the caller). */
  body?: string;
  timeoutMs?: number;
  /** Retries on network errors and 5xx, with exponential backoff. */
  retries?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface Http {
  /** Never throws on an HTTP status; throws on network failure after the retries. */
  request(req: HttpRequest): Promise<HttpResponse>;
}

export class GotHttp implements Http {
  async request(req: HttpRequest): Promise<HttpResponse> {
    const { got } = await import('got');
    const response = await got(req.url, {
      method: req.method ?? 'GET',
      headers: req.headers,
      json: req.json,
      form: req.form,
      body: req.body,
      timeout: { request: req.timeoutMs ?? 5_000 },
      retry: {
        limit: req.retries ?? 0,
        methods: ['GET', 'POST', 'PUT', 'HEAD'],
        statusCodes: [502, 503, 504],
        backoffLimit: 2_000,
      },
      throwHttpErrors: false,
      followRedirect: false,
      signal: req.signal,
    });
    return { status: response.statusCode, body: response.body, headers: response.headers };
  }
}
