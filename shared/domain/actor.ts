// Who does something: every state change records the actor (who), and rules such as maker–checker
// and township scoping read it. Made from a verified token at the HTTP edge (shared/http/route.ts).
import type { Role } from '../topology.ts';

export interface Actor {
  sub: string;
  /** 'anonymous' only on public routes, which need no token. */
  role: Role | 'anonymous';
  /** Only on a hospital's token. */
  hospitalId?: string;
  /** A staff member's township, where the identity provider states one. */
  township?: string;
}

/**
 * An uploaded file as it arrived: the bytes (base64-decoded when API Gateway encoded them) and the
 * Content-Type, for `decodeText` (shared/domain/text-decoding.ts) to turn into text. `text/*` bodies
 * reach Lambda as a UTF-8 string, so bytes that were not UTF-8 show up as U+FFFD and the decoder
 * refuses them.
 */
export interface FileBody {
  bytes: Buffer;
  contentType: string;
}
