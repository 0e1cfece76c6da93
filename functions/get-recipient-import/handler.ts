import { AppError } from '../../shared/domain/errors.ts';
import { presentRejection } from '../../shared/domain/registry.ts';
import { httpRoute } from '../../shared/http/route.ts';
import { getRecipientImport } from '../../shared/api/requests/registry.ts';
import { getImport } from '../../shared/adapters/registry-store.ts';
import { presignDownload } from '../../shared/adapters/presigned-urls.ts';
import { checkCountyActor, rejectionsObjectKey } from '../../shared/usecases/registry-import.ts';

export const handler = httpRoute({
  ...getRecipientImport,
  handle: async ({ path, actor, language }) => {
    checkCountyActor(actor);
    const record = await getImport(path.importId);
    if (!record) throw new AppError('NOT_FOUND', `import ${path.importId} does not exist`);
    const { importId, status, imported, rejectedCount, createdAt } = record;
    const rejectionsCsvUrl =
      status === 'COMPLETED' && rejectedCount > 0
        ? await presignDownload('documents', rejectionsObjectKey(importId), 15 * 60)
        : null;
    const encoding = record.encoding ?? null;
    const rejected = record.rejected.map((r) => presentRejection(r, language));
    // A finished import has processed every line; a running one says how far it has got.
    const lines = record.progress?.lines ?? (status === 'RUNNING' ? null : imported + rejectedCount);
    const progress = { lines, processed: status === 'RUNNING' ? (record.progress?.processed ?? 0) : (lines ?? 0) };
    return { status: 200, body: { importId, status, imported, rejected, rejectedCount, rejectionsCsvUrl, encoding, progress, createdAt } };
  },
});
