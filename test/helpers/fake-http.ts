// A recording fake Http: answers only the requests it was told about (method + path), records them, and throws
// on anything else, so a test sees every call the code under test made.
import type { Http, HttpRequest, HttpResponse } from '../../src/tools/http.js';

type Answer = Partial<HttpResponse> | ((req: HttpRequest) => Partial<HttpResponse>);

export class FakeHttp implements Http {
  readonly requests: HttpRequest[] = [];
  private readonly routes: { method: string; path: string | RegExp; answers: Answer[] }[] = [];

  /** Answers `method path` with each answer in turn; the last one repeats. */
  on(method: string, path: string | RegExp, ...answers: Answer[]): this {
    this.routes.push({ method, path, answers });
    return this;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    this.requests.push(req);
    const url = new URL(req.url);
    const method = req.method ?? 'GET';
    const route = this.routes.find((r) => r.method === method && (typeof r.path === 'string' ? r.path === url.pathname : r.path.test(url.pathname)));
    if (!route) throw new Error(`FakeHttp: unexpected ${method} ${url.pathname}`);
    const answer = route.answers.length > 1 ? route.answers.shift()! : route.answers[0]!;
    const r = typeof answer === 'function' ? answer(req) : answer;
    return { status: r.status ?? 200, body: r.body ?? '', headers: r.headers ?? {} };
  }

  /** `METHOD /path` of every request, in order. */
  get log(): string[] {
    return this.requests.map((r) => `${r.method ?? 'GET'} ${new URL(r.url).pathname}`);
  }
}
