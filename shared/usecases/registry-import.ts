import { randomUUID } from 'node:crypto';
import { dateInChina } from '../domain/clock.ts';
import { AppError } from '../domain/errors.ts';
import { loadDefaultPolicies, policyInForce } from '../domain/policy.ts';
import {
  parseRegistryCsv,
  validateRegistryRows,
  type LineRejection,
  type Recipient,
} from '../domain/registry.ts';
import {
  createImport,
  enqueueImport,
  finishImport,
  getImport,
  maxStoredRejections,
  createRecipients,
  readImportFile,
  registeredImportIds,
  storeImportFile,
  type RecipientImport,
} from '../adapters/registry-store.ts';
import { recipientIdOf } from '../adapters/recipient-id-key.ts';
import { pausePoint } from '../observability/pause-point.ts';

/** Stores the file and the import, then queues it; the header is checked before anything is stored. */
export async function startImport(csv: string, actor: string, now: Date): Promise<RecipientImport> {
  const parsed = parseRegistryCsv(csv);
  if (!parsed.ok) {
    throw new AppError('VALIDATION_FAILED', parsed.message, [{ path: 'body', message: parsed.message }]);
  }
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
    history: [{ at, by: actor, action: 'IMPORT_STARTED', reason: 'registry CSV uploaded' }],
  };
  await storeImportFile(record.objectKey, csv);
  await createImport(record);
  try {
    await enqueueImport(importId);
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
    else rejections.push({ line: line.line, message: 'idNumber: already in the registry' });
  }
  const lost = await createRecipients(toWrite);
  if (lost.size > 0) {
    const holders = await registeredImportIds([...lost]);
    for (const idNumber of lost) {
      if (holders.get(idNumber) === importId) alreadyWritten++;
      else rejections.push({ line: lineOf.get(idNumber)!, message: 'idNumber: already in the registry' });
    }
  }
  const created = toWrite.length - lost.size;
  await pausePoint('import-lines-written', { importId });

  rejections.sort((a, b) => a.line - b.line);
  await finishImport(
    importId,
    {
      status: 'COMPLETED',
      imported: created + alreadyWritten,
      rejected: rejections.slice(0, maxStoredRejections),
      rejectedCount: rejections.length,
    },
    {
      at,
      by: 'system',
      action: 'IMPORT_COMPLETED',
      reason: `${created + alreadyWritten} imported, ${rejections.length} rejected`,
    },
  );
  return 'finished';
}
