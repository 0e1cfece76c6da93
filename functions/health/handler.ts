import { httpRoute } from '../../shared/http/route.ts';
import { health } from '../../shared/api/health.ts';

export const handler = httpRoute({ ...health, handle: async () => ({ status: 200, body: { status: 'ok' } }) });
