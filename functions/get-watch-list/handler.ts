import { httpRoute } from '../../shared/http/route.ts';
import { getWatchList } from '../../shared/api/requests/hospital-notice-reads.ts';
import { watchList } from '../../shared/usecases/hospital-notices.ts';

export const handler = httpRoute({
  ...getWatchList,
  handle: async ({ query }) => ({ status: 200, body: await watchList(query.year, new Date()) }),
});
