import { httpRoute } from '../../shared/http/route.ts';
import { searchRecipients } from '../../shared/api/requests/registry.ts';
import { getRecipient } from '../../shared/adapters/registry-store.ts';
import { publicRecipient } from '../../shared/domain/registry.ts';
import { checkTownship } from '../../shared/domain/township-scope.ts';

export const handler = httpRoute({
  ...searchRecipients,
  handle: async ({ query, actor }) => {
    const recipient = await getRecipient(query.idNumber);
    // A township-scoped token sees its own township's recipients only (403 otherwise).
    if (recipient) checkTownship(actor, recipient.township, 'the recipient');
    return { status: 200, body: { items: recipient ? [publicRecipient(recipient)] : [], nextToken: null } };
  },
});
