/**
 * The console reads and writes through API v1 itself, with the token of the
 * person signed in: the same guard and site scope, the same schemas and rules
 * (and so the same rule ids), the same store and the same saved/live views.
 * Nothing here re-implements a rule; a refusal comes back as the API's error.
 *
 * Calls go over loopback HTTP to the server this app listens on. An app that
 * is not listening (tests that only `inject`) is called with `inject`, which
 * fastify loads lazily (its cookie dependency is ESM-only; jest cannot load it,
 * which is why jest tests go through a port).
 */
import type { FastifyInstance } from "fastify";
import type { ApiIssue, ErrorBody } from "../../sdk/schemas";

/** What one API call answered. */
export interface ApiResult<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  status: number;
  ok: boolean;
  body: T;
  /** The API's error, when not ok. */
  error?: ErrorBody["error"];
}

/** The issues of a failed call (validation, conflicts), or none. */
export function issuesOf(r: ApiResult): ApiIssue[] {
  return r.error?.issues ?? [];
}

/** Base URL to reach `app` over loopback, or undefined while it does not listen. */
function loopback(app: FastifyInstance): string | undefined {
  if (!app.server.listening) return undefined;
  const a = app.server.address();
  if (!a || typeof a !== "object") return undefined;
  const host = a.address === "0.0.0.0" ? "127.0.0.1" : a.address === "::" ? "::1" : a.address;
  return `http://${host.includes(":") ? `[${host}]` : host}:${a.port}`;
}

/** API v1 as one signed-in person sees it. */
export class ConsoleApi {
  constructor(
    private readonly app: FastifyInstance,
    private readonly token: string,
    private readonly requestId: string,
  ) {}

  async call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResult<T>> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const url = `/api/v1/${path}`;
    const h: Record<string, string> = { authorization: `Bearer ${this.token}`, "x-request-id": this.requestId, ...headers };
    if (body !== undefined) h["content-type"] = "application/json";
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let status: number;
    let text: string;
    const base = loopback(this.app);
    if (base) {
      try {
        const res = await fetch(`${base}${url}`, { method, headers: h, body: payload });
        status = res.status;
        text = await res.text();
      } catch (err) {
        // e.g. the fault injector cut the connection after the request ran.
        return { status: 502, ok: false, body: undefined as T, error: { code: "unavailable", message: `the PBX dropped the connection (${(err as Error).message}); the change may have been saved: reload to see`, requestId: this.requestId } };
      }
    } else {
      const res = await this.app.inject({ method: method as "GET", url, headers: h, payload });
      status = res.statusCode;
      text = res.body;
    }
    const json = text ? JSON.parse(text) : undefined;
    const ok = status >= 200 && status < 300;
    return { status, ok, body: json as T, error: ok ? undefined : (json as ErrorBody | undefined)?.error };
  }

  get<T = any>(path: string): Promise<ApiResult<T>> { // eslint-disable-line @typescript-eslint/no-explicit-any
    return this.call<T>("GET", path);
  }

  /** Every item of a list (pages of 500). */
  async all<T = any>(path: string, search?: string): Promise<ApiResult<T[]>> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const items: T[] = [];
    for (let page = 1; ; page++) {
      const q = new URLSearchParams({ page: String(page), pageSize: "500", ...(search ? { search } : {}) });
      const r = await this.get<{ items: T[]; total: number }>(`${path}?${q}`);
      if (!r.ok) return { ...r, body: [] };
      items.push(...r.body.items);
      if (items.length >= r.body.total || r.body.items.length === 0) return { status: 200, ok: true, body: items };
    }
  }
}
