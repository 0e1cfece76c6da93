import { httpRoute } from '../../shared/http/route.ts';
import { listHospitals as listHospitalsOperation } from '../../shared/api/requests/registry.ts';
import { listHospitals } from '../../shared/adapters/registry-store.ts';

export const handler = httpRoute({
  ...listHospitalsOperation,
  handle: async () => ({ status: 200, body: { items: await listHospitals(), nextToken: null } }),
});
