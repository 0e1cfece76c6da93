import { z } from 'zod';
import { AppError } from '../../shared/domain/errors.ts';
import { httpRoute } from '../../shared/http/route.ts';
import { getImport } from '../../shared/adapters/registry-store.ts';

export const handler = httpRoute({
  roles: ['reviewer', 'caseworker'],
  path: z.object({ importId: z.string().min(1).max(64) }),
  handle: async ({ path }) => {
    const record = await getImport(path.importId);
    if (!record) throw new AppError('NOT_FOUND', `import ${path.importId} does not exist`);
    return {
      status: 200,
      body: {
        importId: record.importId,
        status: record.status,
        imported: record.imported,
        rejected: record.rejected,
        rejectedCount: record.rejectedCount,
        createdAt: record.createdAt,
      },
    };
  },
});
