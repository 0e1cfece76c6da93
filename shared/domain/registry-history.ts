// A recipient's standing (status and category) at a past instant, from the record's history:
// hospital notices are decided on the date of service, not on today's registry (issue 11).
import { dateInChina } from './clock.ts';
import type { Recipient, RecipientCategory, RecipientStatus } from './registry.ts';

export interface Standing {
  status: RecipientStatus;
  category: RecipientCategory;
  /** The date (China time) of the enrolment in force. */
  since: string;
}

const statusOfAction: Record<string, RecipientStatus> = {
  SUSPENDED: 'SUSPENDED',
  REINSTATED: 'ACTIVE',
  TERMINATED: 'TERMINATED',
};
const enrolmentActions = new Set(['IMPORTED', 'ENROLLED']);

interface Change {
  /** Where the change takes effect, as a comparable China date and instant. */
  date: string;
  at: number;
  status: RecipientStatus;
  category?: RecipientCategory;
  since?: string;
}

/**
 * The recipient's standing at `instant`, or undefined when no enrolment had begun by then.
 * An enrolment counts from the start of its `since` date (China time); a suspension,
 * reinstatement or termination from the instant it was recorded. Entries written before
 * enrolments carried their category and `since` fall back to the record's current ones for the
 * latest enrolment, and a record with no enrolment entry at all counts from its `since`.
 */
export function standingAt(recipient: Recipient, instant: Date): Standing | undefined {
  const history = recipient.history ?? [];
  const enrolments = history.filter((e) => enrolmentActions.has(e.action));
  const lastEnrolment = enrolments[enrolments.length - 1];
  const changes: Change[] = [];
  for (const entry of history) {
    if (enrolmentActions.has(entry.action)) {
      const latest = entry === lastEnrolment;
      const since = entry.since ?? (latest ? recipient.since : dateInChina(new Date(entry.at)));
      changes.push({
        date: since,
        at: Date.parse(`${since}T00:00:00+08:00`),
        status: entry.status ?? 'ACTIVE',
        category: entry.category ?? recipient.category,
        since,
      });
    } else {
      const status = entry.status ?? statusOfAction[entry.action];
      if (status) changes.push({ date: dateInChina(new Date(entry.at)), at: Date.parse(entry.at), status });
    }
  }
  if (enrolments.length === 0) {
    changes.push({
      date: recipient.since,
      at: Date.parse(`${recipient.since}T00:00:00+08:00`),
      status: 'ACTIVE',
      category: recipient.category,
      since: recipient.since,
    });
  }
  // Stable: entries recorded at one instant keep their order.
  changes.sort((a, b) => a.at - b.at);
  // A record whose status was changed without a history entry (older data): when its history
  // does not explain the current status, nobody can say since when, so it holds throughout.
  const statuses = changes.filter((c) => c.status);
  const explained = statuses.length > 0 && statuses[statuses.length - 1]!.status === recipient.status;
  if (!explained && recipient.status !== 'ACTIVE') return undefined;
  const when = instant.getTime();
  let standing: Standing | undefined;
  for (const change of changes) {
    if (change.at > when) break;
    if (change.category && change.since) {
      standing = { status: change.status, category: change.category, since: change.since };
    } else if (standing) {
      standing = { ...standing, status: change.status };
    }
  }
  return standing;
}
