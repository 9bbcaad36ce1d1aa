/** The outcome of one timed request. */
export interface Timed {
  status: number;
  ms: number;
  body: string;
}

/**
 * A minimal HTTP client over real loopback HTTP (fetch, keep-alive) with a session cookie and
 * CSRF header. `timed` measures from just before sending to the last byte of the body with
 * performance.now().
 */
export class BenchClient {
  constructor(
    readonly baseUrl: string,
    private readonly cookie: string,
    private readonly csrfToken: string,
  ) {}

  /** The Cookie header value carrying the session. */
  get cookieHeader(): string {
    return this.cookie;
  }

  /** Sends a request, reads the whole body and reports the elapsed time. */
  async timed(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Timed> {
    const headers: Record<string, string> = { cookie: this.cookie };
    if (method !== 'GET') {
      headers['x-csrf-token'] = this.csrfToken;
      headers['content-type'] = 'application/json';
    }
    const start = performance.now();
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, ms: performance.now() - start, body: text };
  }

  /** Streams a GET response and counts its lines without holding the body. */
  async countLines(
    path: string,
  ): Promise<{ status: number; lines: number; bytes: number; seconds: number; client: string }> {
    const start = performance.now();
    const response = await fetch(`${this.baseUrl}${path}`, { headers: { cookie: this.cookie } });
    let lines = 0;
    let bytes = 0;
    if (response.body) {
      for await (const chunk of response.body) {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
      }
    }
    return {
      status: response.status,
      lines,
      bytes,
      seconds: (performance.now() - start) / 1000,
      client: 'fetch (in-process)',
    };
  }
}

/** Runs `count` requests one after another (after `warmup` unmeasured ones); fails on non-2xx. */
export async function sequential(
  count: number,
  warmup: number,
  send: (index: number) => Promise<Timed>,
): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < warmup + count; i++) {
    const result = await send(i);
    if (result.status >= 300) {
      throw new Error(`request ${i} answered ${result.status}: ${result.body.slice(0, 300)}`);
    }
    if (i >= warmup) samples.push(result.ms);
  }
  return samples;
}
