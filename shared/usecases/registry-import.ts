import { send } from '../adapters/queue.ts';
import { randomUUID } from 'node:crypto';
import { dateInChina } from '../domain/clock.ts';
import { AppError } from '../domain/errors.ts';
import { loadDefaultPolicies, policyInForce } from '../domain/policy.ts';
import type { Language } from '../domain/reasons.ts';
import type { Actor } from '../domain/actor.ts';
import { refusal } from '../domain/errors.ts';
import {
  lineProblem,
  lineRejection,
  presentRejection,
  storedRejection,
  parseRegistryCsv,
  plausibleRegistryText,
  publicRecipient,
  rejectionsCsv,
  validateRegistryRows,
  type LineRejection,
  type Recipient,
} from '../domain/registry.ts';
import { charsetOf, decodeText, TextDecodingError, type TextEncodingName } from '../domain/text-decoding.ts';
import type { FileBody } from '../domain/actor.ts';
import {
  createImport,
  finishImport,
  getImport,
  maxStoredRejections,
  createRecipients,
  readImportFile,
  registeredImportIds,
  storeImportFile,
  type RecipientImport,
  recordImportProgress,
} from '../adapters/registry-store.ts';
import { recipientIdOf } from '../adapters/recipient-id-key.ts';
import { recordLastFailure } from '../adapters/recovery-store.ts';
import { logger } from '../observability/logger.ts';
import { failureAt } from './leased-work.ts';
import { pausePoint } from '../observability/pause-point.ts';
import { countBusinessEvent } from '../observability/metrics.ts';

/** `code`: the detail's stable code, for a file the API cannot read at all (addition to the contract). */
function refuse(message: string, code?: 'FILE_ENCODING_UNREADABLE'): never {
  throw new AppError('VALIDATION_FAILED', `body: ${message}`, [{ path: 'body', message, ...(code && { code }) }]);
}

/** The file's text and the encoding it was read in; a file we cannot read is a 400 saying what to do. */
export function decodeRegistryFile(file: FileBody): { text: string; encoding: TextEncodingName } {
  try {
    const { text, encoding } = decodeText(file.bytes, {
      declaredCharset: charsetOf(file.contentType),
      plausibleGb18030: plausibleRegistryText,
    });
    return { text, encoding };
  } catch (error) {
    if (error instanceof TextDecodingError) refuse(error.message, 'FILE_ENCODING_UNREADABLE');
    throw error;
  }
}

/** A registry import is a county action: a township-scoped token may neither start nor read one (403). */
export function checkCountyActor(actor: Actor): void {
  if (actor.township !== undefined) {
    throw refusal('FORBIDDEN', 'TOWNSHIP_SCOPED_IMPORT', { subject: actor.sub, scopedTo: actor.township });
  }
}

/** Registry lines written between two updates of an import's progress counts. */
export const importProgressSlice = 200;

/** Where an import's full list of rejected lines is kept (CSV, UTF-8 with a BOM so Excel reads it). */
export const rejectionsObjectKey = (importId: string) => `registry-imports/${importId}.rejections.csv`;

/** How many rows a dry run shows as they would be stored. */
export const dryRunPreviewRows = 20;

/**
 * What an import of this file would do, committing nothing: counts, the encoding, the first rows
 * as they would be stored (ID numbers masked) and every rejection, including lines whose person
 * is already in the registry.
 */
export async function dryRunImport(file: FileBody, now: Date, language: Language = 'en') {
  const { text, encoding } = decodeRegistryFile(file);
  const parsed = parseRegistryCsv(text);
  if (!parsed.ok) refuse(parsed.message);
  const today = dateInChina(now);
  const { valid, rejected } = validateRegistryRows(parsed.rows, today, policyInForce(loadDefaultPolicies(), today));
  const registered = await registeredImportIds(valid.map((v) => v.idNumber));
  const rejections: LineRejection[] = [...parsed.rejected, ...rejected];
  const wouldImport = valid.filter((line) => {
    if (!registered.has(line.idNumber)) return true;
    rejections.push(lineRejection(line.line, [lineProblem('idNumber', 'ALREADY_IN_REGISTRY')]));
    return false;
  });
  rejections.sort((a, b) => a.line - b.line);
  return {
    dryRun: true as const,
    encoding,
    lines: parsed.rows.length + parsed.rejected.length,
    wouldImport: wouldImport.length,
    rejectedCount: rejections.length,
    rejected: rejections.map((r) => presentRejection(r, language)),
    firstRows: wouldImport.slice(0, dryRunPreviewRows).map(({ line, ...fields }) => ({
      line,
      ...publicRecipient({ ...fields, recipientId: '', status: 'ACTIVE', history: [] }),
      township: fields.township,
      bankName: fields.bankName,
    })),
  };
}

/** Stores the file (as UTF-8) and the import, then queues it; the encoding and header are checked before anything is stored. */
export async function startImport(file: FileBody, actor: string, now: Date): Promise<RecipientImport> {
  const { text: csv, encoding } = decodeRegistryFile(file);
  const parsed = parseRegistryCsv(csv);
  if (!parsed.ok) refuse(parsed.message);
  const importId = randomUUID();
  const at = now.toISOString();
  const record: RecipientImport = {
    importId,
    status: 'RUNNING',
    objectKey: `registry-imports/${importId}.csv`,
    imported: 0,
    rejected: [],
    rejectedCount: 0,
    createdAt: at,
    createdBy: actor,
    encoding,
    history: [{ at, by: actor, action: 'IMPORT_STARTED', reason: `registry CSV uploaded (read as ${encoding})` }],
  };
  await storeImportFile(record.objectKey, csv);
  await createImport(record);
  try {
    await send('recipientImports', { importId });
  } catch (error) {
    await finishImport(
      importId,
      { status: 'FAILED', imported: 0, rejected: [], rejectedCount: 0 },
      { at: new Date().toISOString(), by: 'system', action: 'IMPORT_FAILED', reason: 'could not be queued' },
    );
    throw error;
  }
  return record;
}

/**
 * Validates and writes an import's lines. Safe to run again for the same import: a finished
 * import is left alone, and lines this import already wrote count as imported, not as duplicates.
 */
export async function runImport(importId: string, now: Date): Promise<'finished' | 'already-finished'> {
  const record = await getImport(importId);
  if (!record) throw new Error(`import ${importId} does not exist`);
  if (record.status !== 'RUNNING') return 'already-finished';

  const parsed = parseRegistryCsv(await readImportFile(record.objectKey));
  const at = now.toISOString();
  if (!parsed.ok) {
    await finishImport(
      importId,
      { status: 'FAILED', imported: 0, rejected: [], rejectedCount: 0 },
      { at, by: 'system', action: 'IMPORT_FAILED', reason: parsed.message },
    );
    return 'finished';
  }
  const today = dateInChina(now);
  const { valid, rejected } = validateRegistryRows(parsed.rows, today, policyInForce(loadDefaultPolicies(), today));
  const rejections: LineRejection[] = [...parsed.rejected, ...rejected];

  // Who holds each person decides: a record this import wrote (a redelivery) counts as imported;
  // anyone else's, read now or lost to in the conditional create below, rejects the line.
  const lineOf = new Map(valid.map((v) => [v.idNumber, v.line]));
  const writers = await registeredImportIds(valid.map((v) => v.idNumber));
  const toWrite: Recipient[] = [];
  let alreadyWritten = 0;
  for (const line of valid) {
    if (!writers.has(line.idNumber)) {
      const { line: lineNumber, ...fields } = line;
      toWrite.push({
        ...fields,
        recipientId: await recipientIdOf(line.idNumber),
        status: 'ACTIVE',
        importId,
        history: [
          {
            at,
            by: record.createdBy,
            action: 'IMPORTED',
            reason: `registry import ${importId}, line ${lineNumber}`,
            status: 'ACTIVE',
            category: line.category,
            since: line.since,
          },
        ],
      });
    } else if (writers.get(line.idNumber) === importId) alreadyWritten++;
    else rejections.push(lineRejection(line.line, [lineProblem('idNumber', 'ALREADY_IN_REGISTRY')]));
  }
  // Written a slice at a time, the record's progress counted after each, so the reviewer sees it move.
  const lines = parsed.rows.length + parsed.rejected.length;
  let processed = lines - toWrite.length;
  await recordImportProgress(importId, { lines, processed });
  const lost = new Set<string>();
  for (let start = 0; start < toWrite.length; start += importProgressSlice) {
    const slice = toWrite.slice(start, start + importProgressSlice);
    for (const idNumber of await createRecipients(slice)) lost.add(idNumber);
    processed += slice.length;
    await recordImportProgress(importId, { lines, processed });
  }
  if (lost.size > 0) {
    const holders = await registeredImportIds([...lost]);
    for (const idNumber of lost) {
      if (holders.get(idNumber) === importId) alreadyWritten++;
      else rejections.push(lineRejection(lineOf.get(idNumber)!, [lineProblem('idNumber', 'ALREADY_IN_REGISTRY')]));
    }
  }
  const created = toWrite.length - lost.size;
  await pausePoint('import-lines-written', { importId });

  rejections.sort((a, b) => a.line - b.line);
  // Every rejection, for the reviewer to download; the record keeps only the first ones.
  if (rejections.length > 0) await storeImportFile(rejectionsObjectKey(importId), rejectionsCsv(rejections));
  const finished = await finishImport(
    importId,
    {
      status: 'COMPLETED',
      imported: created + alreadyWritten,
      rejected: rejections.slice(0, maxStoredRejections).map(storedRejection),
      rejectedCount: rejections.length,
    },
    {
      at,
      by: 'system',
      action: 'IMPORT_COMPLETED',
      reason: `${created + alreadyWritten} imported, ${rejections.length} rejected`,
    },
  );
  if (finished) countRejectedLines(rejections);
  return 'finished';
}

/** ImportLinesRejected by each line's first reason code. */
function countRejectedLines(rejections: readonly LineRejection[]): void {
  const byReason = new Map<string, number>();
  for (const rejection of rejections) {
    const reason = rejection.details[0]?.code ?? 'UNSPECIFIED';
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  }
  for (const [reason, count] of byReason) countBusinessEvent('ImportLinesRejected', reason, count);
}

/** An import whose message is dead-lettered ends FAILED, saying why and how many of its lines it did write. */
export async function importGaveUp(importId: string, reason: string, receiveCount: number): Promise<void> {
  await recordLastFailure('recipientImports', { importId }, failureAt(reason, receiveCount));
  const record = await getImport(importId);
  if (record?.status !== 'RUNNING') return;
  let written: number | undefined;
  try {
    const parsed = parseRegistryCsv(await readImportFile(record.objectKey));
    if (parsed.ok) {
      const today = dateInChina(new Date());
      const { valid } = validateRegistryRows(parsed.rows, today, policyInForce(loadDefaultPolicies(), today));
      const writers = await registeredImportIds(valid.map((v) => v.idNumber));
      written = valid.filter((v) => writers.get(v.idNumber) === importId).length;
    }
  } catch (error) {
    logger.warn('lines written by a failed import not counted', { importId, error: error as Error });
  }
  await finishImport(
    importId,
    { status: 'FAILED', imported: written ?? 0, rejected: [], rejectedCount: 0 },
    {
      at: new Date().toISOString(),
      by: 'tuodi:import-worker',
      action: 'IMPORT_FAILED',
      reason: `gave up after ${receiveCount} attempts: ${reason}; ${written ?? 'an unknown number of'} lines of this file are in the registry (importing the file again reports them as already there)`,
    },
  );
}
