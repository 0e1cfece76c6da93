import { AppError } from '../../shared/domain/errors.ts';
import { httpRoute } from '../../shared/http/route.ts';
import { getRecipientImport } from '../../shared/api/registry.ts';
import { getImport } from '../../shared/adapters/registry-store.ts';
import { presignDownload } from '../../shared/adapters/presigned-urls.ts';
import { rejectionsObjectKey } from '../../shared/usecases/registry-import.ts';

export const handler = httpRoute({
  ...getRecipientImport,
  handle: async ({ path }) => {
    const record = await getImport(path.importId);
    if (!record) throw new AppError('NOT_FOUND', `import ${path.importId} does not exist`);
    const { importId, status, imported, rejected, rejectedCount, createdAt } = record;
    const rejectionsCsvUrl =
      status === 'COMPLETED' && rejectedCount > 0
        ? await presignDownload('documents', rejectionsObjectKey(importId), 15 * 60)
        : null;
    const encoding = record.encoding ?? null;
    return { status: 200, body: { importId, status, imported, rejected, rejectedCount, rejectionsCsvUrl, encoding, createdAt } };
  },
});
