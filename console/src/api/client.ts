// The one way the console calls the API: openapi-fetch typed by the types generated from
// openapi.json (npm run build:console), with the bearer token and an Idempotency-Key on POSTs.
import createClient, { type Middleware } from 'openapi-fetch';
import { currentSession, markExpired } from '../session.ts';
import type { components, paths } from './schema.gen';

export type Schemas = components['schemas'];
export type { paths };
export type ErrorEnvelope = Schemas['ErrorEnvelope'];

const auth: Middleware = {
  onRequest({ request }) {
    const session = currentSession();
    if (session) request.headers.set('authorization', `Bearer ${session.token}`);
    if (request.method === 'POST' && !request.headers.has('idempotency-key')) {
      request.headers.set('idempotency-key', crypto.randomUUID());
    }
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) markExpired();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: import.meta.env.VITE_API_BASE ?? window.location.origin });
api.use(auth);
