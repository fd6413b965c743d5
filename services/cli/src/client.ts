// A small HTTP client of the suppression API (global fetch). Any failure to get a 2xx answer is an
// ApiError, which the CLI turns into exit code 3.
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface ApiClient {
  json<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T>;
  text<T>(path: string, body: string, contentType: string): Promise<T>;
  stream(path: string): Promise<ReadableStream<Uint8Array>>;
}

export function createClient(baseUrl: string, token: string): ApiClient {
  const base = baseUrl.replace(/\/+$/, '');
  async function send(method: string, path: string, body?: string, contentType?: string): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(contentType ? { 'content-type': contentType } : {}),
        },
        ...(body !== undefined ? { body } : {}),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new ApiError(
        `cannot reach the API at ${base}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
      );
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      let message = text;
      try {
        const j = JSON.parse(text) as { message?: string; error?: string };
        message = j.message ?? j.error ?? text;
      } catch {}
      throw new ApiError(`API answered ${res.status}: ${message || res.statusText}`, res.status);
    }
    return res;
  }
  return {
    async json<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
      const res = await send(
        method,
        path,
        body === undefined ? undefined : JSON.stringify(body),
        body === undefined ? undefined : 'application/json',
      );
      return (await res.json()) as T;
    },
    async text<T>(path: string, body: string, contentType: string): Promise<T> {
      const res = await send('POST', path, body, contentType);
      return (await res.json()) as T;
    },
    async stream(path: string): Promise<ReadableStream<Uint8Array>> {
      const res = await send('GET', path);
      if (!res.body) throw new ApiError('the API sent no body');
      return res.body;
    },
  };
}
