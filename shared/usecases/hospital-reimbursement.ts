// HOSPITAL_REIMBURSEMENT (清算, API.md "Payout batches"): each designated hospital is paid the
// medical assistance it fronted at discharge in one China-time month, net of the reversals it
// posted that month, to its own bank account. Planning calls `reimbursementCandidates`; the
// claim key (program, period, hospitalId) pays a hospital at most once per month.
import { dateInChina } from '../domain/clock.ts';
import { validationFailed } from '../domain/errors.ts';
import { hospitalRecords } from '../adapters/notice-store.ts';
import type { PayeeCandidate } from '../adapters/payout-store.ts';
import { monthlyAssistanceTotals } from './hospital-notices.ts';

/**
 * A month is reimbursed once it has ended (China time): a claim on a running month would
 * shut out what the hospital fronts in its remaining days. Throws a 400 naming `period`.
 */
export function checkReimbursementPeriod(period: string, now: Date): void {
  if (period >= dateInChina(now).slice(0, 7)) {
    throw validationFailed([{ path: 'period', message: 'must be a month that has ended (China time)' }]);
  }
}

/**
 * One candidate per hospital: payee the hospital, amount its month's net medical assistance
 * (fen; a month whose reversals outweigh its settlements pays nothing and is left out by
 * planning, which drops amounts of 0 or less).
 */
export async function reimbursementCandidates(period: string): Promise<PayeeCandidate[]> {
  const hospitals = await hospitalRecords();
  return Promise.all(
    hospitals.map(async (h) => ({
      payeeId: h.hospitalId,
      name: h.name,
      bankName: h.bankName,
      bankAccount: h.bankAccount,
      amountFen: (await monthlyAssistanceTotals(h.hospitalId, period)).medicalAssistanceFen,
    })),
  );
}
