import { AppError } from '../../shared/domain/errors.ts';
import { httpRoute } from '../../shared/http/route.ts';
import { getRecipientImport } from '../../shared/api/registry.ts';
import { getImport } from '../../shared/adapters/registry-store.ts';

export const handler = httpRoute({
  ...getRecipientImport,
  handle: async ({ path }) => {
    const record = await getImport(path.importId);
    if (!record) throw new AppError('NOT_FOUND', `import ${path.importId} does not exist`);
    const { importId, status, imported, rejected, rejectedCount, createdAt } = record;
    return { status: 200, body: { importId, status, imported, rejected, rejectedCount, createdAt } };
  },
});
