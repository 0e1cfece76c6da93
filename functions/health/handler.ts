import { httpRoute } from '../../shared/http/route.ts';

export const handler = httpRoute({
  roles: 'public',
  handle: async () => ({ status: 200, body: { status: 'ok' } }),
});
