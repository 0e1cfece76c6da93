// Township scoping (README): a staff token may carry a township claim; where it does, its holder
// sees and acts on that township's applications and recipients only.
import { refusal } from './errors.ts';

/** Throws 403 FORBIDDEN (reason TOWNSHIP_OUT_OF_SCOPE) when the token is scoped to another township than `township`. */
export function checkTownship(actor: { sub: string; township?: string }, township: string, what: string): void {
  if (actor.township !== undefined && actor.township !== township) {
    throw refusal('FORBIDDEN', 'TOWNSHIP_OUT_OF_SCOPE', { what, township, subject: actor.sub, scopedTo: actor.township });
  }
}
