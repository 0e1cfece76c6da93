// Payout batches (views): one batch with its progress and bank file links, its payments and the list of batches.
import type { ListPayoutBatchesQuery } from '../api/payouts.ts';
import { maskBankAccount } from '../domain/masking.ts';
import { AppError } from '../domain/errors.ts';
import { type PaymentRecord, type PaymentStatus, type PayoutBatch } from '../domain/payouts/batch.ts';
import type { StartKey } from '../adapters/dynamo-pages.ts';
import { batchesPage, claimsByKey, returnsPage, chunksDone, getBatch, paymentsPage } from '../adapters/payout-store.ts';
import { presignDownload } from '../adapters/presigned-urls.ts';
import type { BankFilePart } from '../domain/payouts/bank-file-parts.ts';

const bankFileUrlSeconds = 15 * 60;

/**
 * The parts of a batch's bank files, in order: fileParts, or for a batch paid out before parts
 * existed its one pair of `files` as the one part (MsgId the batch id, the plan's totals); none before PAID_OUT.
 */
export function writtenFileParts(batch: PayoutBatch): BankFilePart[] {
  if (batch.fileParts) return batch.fileParts;
  if (!batch.files) return [];
  return [{ part: 1, messageId: batch.batchId, count: batch.planned?.count ?? 0, totalFen: batch.planned?.totalFen ?? 0, firstEndToEndId: '', lastEndToEndId: '\uffff', ...batch.files }];
}

/** The batch, or AppError NOT_FOUND (404). */
export async function existingBatch(batchId: string): Promise<PayoutBatch> {
  const batch = await getBatch(batchId);
  if (!batch) throw new AppError('NOT_FOUND', `payout batch ${batchId} does not exist`);
  return batch;
}

export async function viewBatch(batchId: string) {
  const batch = await existingBatch(batchId);
  const done = await chunksDone(batchId);
  const recorded = done.reduce((sum, d) => sum + d.recordedCount, 0);
  const failed = batch.status === 'FAILED' && batch.planned ? batch.planned.count - recorded : 0;
  const parts = await Promise.all(
    writtenFileParts(batch).map(async (p) => ({
      part: p.part,
      messageId: p.messageId,
      count: p.count,
      totalFen: p.totalFen,
      csvUrl: await presignDownload('bankFiles', p.csvKey, bankFileUrlSeconds),
      pain001Url: await presignDownload('bankFiles', p.pain001Key, bankFileUrlSeconds),
    })),
  );
  return {
    id: batch.batchId,
    program: batch.program,
    period: batch.period,
    title: batch.title,
    categories: batch.categories,
    perPersonFen: batch.perPersonFen ?? null,
    status: batch.status,
    planned: batch.planned ?? null,
    progress: { recorded, failed },
    // `files` stays the one pair of a one-part batch; a batch of several parts has null there (an
    // older client sees no files rather than part 1 taken for the whole batch) and every part in fileParts.
    files: parts.length === 1 ? { csvUrl: parts[0]!.csvUrl, pain001Url: parts[0]!.pain001Url } : null,
    fileParts: parts.length > 0 ? parts : null,
    skipped: batch.skipped ?? null,
    reconciliation: batch.reconciliation ?? null,
    failureReason: batch.failureReason ?? null,
    createdBy: batch.createdBy,
    approvedBy: batch.approvedBy ?? null,
    retriedBy: batch.retriedBy ?? null,
    history: batch.history,
  };
}

/**
 * GET /payout-batches/{id}/payments. With status RETURNED, the returns from the sparse index
 * `returnsByBatch`, each with where its claim stands now: the return released it
 * (applyBankOutcome); a later batch of the same program and period takes it over (HELD under its
 * batchId): PLANNED_AGAIN; released (by this return, or by the later batch's own return or end): READY.
 */
export async function listBatchPayments(
  batchId: string,
  query: { status?: PaymentStatus; limit: number },
  startKey: StartKey | undefined,
) {
  const batch = await existingBatch(batchId);
  const returns = query.status === 'RETURNED';
  const page = returns ? await returnsPage(batchId, query.limit, startKey) : await paymentsPage(batch, query.status, query.limit, startKey);
  const claims = returns ? await claimsByKey(page.items.map((p) => p.claimKey)) : new Map();
  const nextOf = (p: PaymentRecord) => {
    const claim = claims.get(p.claimKey);
    const takenBy = claim && claim.claimStatus === 'HELD' && claim.batchId !== batchId ? claim.batchId : undefined;
    return takenBy ? { state: 'PLANNED_AGAIN' as const, batchId: takenBy } : { state: 'READY' as const, batchId: null };
  };
  return {
    items: page.items.map((p) => ({
      endToEndId: p.endToEndId,
      recipientId: p.recipientId,
      name: p.creditorName,
      bankName: p.bankName,
      bankAccountMasked: maskBankAccount(p.bankAccount),
      amountFen: p.amountFen,
      status: p.status,
      ...(p.returnReason && { returnReason: p.returnReason }),
      ...(p.status === 'RETURNED' && { returnedAt: p.returnedAt, ...(returns && { next: nextOf(p) }) }),
    })),
    lastKey: page.lastKey,
  };
}

/** GET /payout-batches: summaries, newest period first (see batchesPage for the indexes). */
export async function listBatches(query: ListPayoutBatchesQuery, startKey: StartKey | undefined) {
  const page = await batchesPage(
    { status: query.status, program: query.program, period: query.period },
    query.limit,
    startKey,
  );
  return {
    items: page.items.map((batch) => ({
      id: batch.batchId,
      program: batch.program,
      period: batch.period,
      title: batch.title,
      status: batch.status,
      planned: batch.planned ?? null,
      reconciliation: batch.reconciliation ?? null,
      createdBy: batch.createdBy,
      createdAt: batch.createdAt,
      approvedBy: batch.approvedBy ?? null,
    })),
    lastKey: page.lastKey,
  };
}
