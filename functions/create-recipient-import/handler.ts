import { httpRoute } from '../../shared/http/route.ts';
import { idempotentPosts } from '../../shared/http/idempotency.ts';
import { createRecipientImport } from '../../shared/api/requests/registry.ts';
import { checkCountyActor, dryRunImport, startImport } from '../../shared/usecases/registry-import.ts';

export const handler = httpRoute({
  ...createRecipientImport,
  handle: async ({ body, actor, query, language }) => {
    checkCountyActor(actor);
    if (query.dryRun === 'true') return { status: 200, body: await dryRunImport(body, new Date(), language) };
    const record = await startImport(body, actor.sub, new Date());
    return { status: 202, body: { importId: record.importId, status: record.status } };
  },
}, idempotentPosts);
