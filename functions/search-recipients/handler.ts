import { httpRoute } from '../../shared/http/route.ts';
import { searchRecipients } from '../../shared/api/registry.ts';
import { getRecipient } from '../../shared/adapters/registry-store.ts';
import { publicRecipient } from '../../shared/domain/registry.ts';

export const handler = httpRoute({
  ...searchRecipients,
  handle: async ({ query }) => {
    const recipient = await getRecipient(query.idNumber);
    return { status: 200, body: { items: recipient ? [publicRecipient(recipient)] : [], nextToken: null } };
  },
});
