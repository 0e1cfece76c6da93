import { z } from 'zod';
import { httpRoute } from '../../shared/http/route.ts';
import { idNumberSchema } from '../../shared/http/schemas.ts';
import { getRecipient } from '../../shared/adapters/registry-store.ts';
import { publicRecipient } from '../../shared/domain/registry.ts';

export const handler = httpRoute({
  roles: ['caseworker', 'reviewer'],
  query: z.object({ idNumber: idNumberSchema }),
  handle: async ({ query }) => {
    const recipient = await getRecipient(query.idNumber);
    return { status: 200, body: { items: recipient ? [publicRecipient(recipient)] : [], nextToken: null } };
  },
});
