import { httpRoute } from '../../shared/http/route.ts';
import { startImport } from '../../shared/usecases/registry-import.ts';

export const handler = httpRoute<string>({
  roles: ['reviewer'],
  body: { kind: 'text', contentType: 'text/csv', maxBytes: 5 * 1024 * 1024 },
  handle: async ({ body, actor }) => {
    const record = await startImport(body, actor.sub, new Date());
    return { status: 202, body: { importId: record.importId, status: record.status } };
  },
});
