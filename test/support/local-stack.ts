// Starts the real local stack (DynamoDB Local, fauxqs, HTTP API, pollers) for a test file.
import { startLocalStack, type LocalStack } from '../../local/stack.ts';
import type { Role } from '../../shared/topology.ts';

export interface TestStack extends LocalStack {
  token(role: Role, sub: string, hospitalId?: string): Promise<string>;
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; rawBody?: string; contentType?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; text: string }>;
}

export async function startTestStack(): Promise<TestStack> {
  const stack = await startLocalStack({ visibilityTimeoutSeconds: 2, pollerConcurrency: 4 });
  return {
    ...stack,
    token: (role, sub, hospitalId) => stack.keys.sign({ role, sub, hospitalId }),
    call: async (method, path, options = {}) => {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) body = JSON.stringify(options.body);
      if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
      const response = await fetch(stack.url + path, { method, headers, body });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: response.status, body: parsed, text };
    },
  };
}

/** Polls until check returns a value other than undefined, or fails after timeoutMs. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
