// The registry's and the payments' figure maintainers (see maintainer.ts): no secret, no SSM client.
import { figureMaintainer } from './maintainer.ts';

export const handler = figureMaintainer();
