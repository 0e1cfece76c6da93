import { httpRoute } from '../../shared/http/route.ts';
import { roles } from '../../shared/topology.ts';
import { listHospitals } from '../../shared/adapters/registry-store.ts';

export const handler = httpRoute({
  roles,
  handle: async () => ({ status: 200, body: { items: await listHospitals(), nextToken: null } }),
});
