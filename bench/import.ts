// Imports 100,000 recipients through the local stack (HTTP -> S3 -> SQS -> worker -> DynamoDB)
// and, in the same run, measures its own ceiling on DynamoDB Local: the registry's conditional
// creates (putAllIfAbsent, one conditional PutItem per person, as the import worker writes them) of
// the same items into a scratch table, at the worker's in-flight count times the import queue's
// concurrency. Raw BatchWriteItem is printed beside it for reference: since the registry's writes
// became conditional (one person, one record) the old target of half of raw no longer applies.
// npm run bench:import [-- --rows 100000]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { dynamodb } from '../shared/adapters/clients.ts';
import { batchPut, putAllIfAbsent } from '../shared/adapters/dynamo-batch.ts';
import { functions } from '../shared/topology.ts';
import { benchIdNumber as idNumber, rawConcurrency } from './fixtures.ts';
import { registryCsvColumns } from '../shared/domain/registry.ts';
import { startLocalStack } from '../local/stack.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' } } });
const rows = Number(values.rows);
const maxCsvBytes = 5 * 1024 * 1024;
/** Import workers at once: the import queue's concurrency (one file each). */
const queueWorkers = functions.importRecipients.trigger.type === 'queue' ? (functions.importRecipients.trigger.maxConcurrency ?? 2) : 1;


function csvLine(n: number): string {
  const category = ['DIBAO', 'MARGINAL', 'TEKUN'][n % 3];
  return `HH-${String(Math.floor(n / 3)).padStart(6, '0')},王婧${n},${idNumber(n)},${category},真州镇,90000,2022-03-01,江苏银行,62284800${String(n).padStart(8, '0')}`;
}

/** Files under the route's 5 MiB limit, as the bureau would upload a large registry. */
function csvFiles(): string[] {
  const header = registryCsvColumns.join(',');
  const files: string[] = [];
  let lines: string[] = [];
  let bytes = header.length + 1;
  for (let n = 0; n < rows; n++) {
    const line = csvLine(n);
    const size = Buffer.byteLength(line) + 1;
    if (bytes + size > maxCsvBytes) {
      files.push([header, ...lines].join('\n'));
      lines = [];
      bytes = header.length + 1;
    }
    lines.push(line);
    bytes += size;
  }
  if (lines.length) files.push([header, ...lines].join('\n'));
  return files;
}

const stack = await startLocalStack({ onError: (m) => console.error(m) });
try {
  // Raw: the same item shape and the same batch writer, straight into a scratch table.
  await dynamodb().send(
    new CreateTableCommand({
      TableName: 'bench-raw',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'idNumber', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'idNumber', KeyType: 'HASH' }],
    }),
  );
  const rawItems = Array.from({ length: rows }, (_, n) => {
    const [householdId, name, id, category, township, fen, since, bankName, bankAccount] = csvLine(n).split(',');
    return {
      idNumber: id, recipientId: `rcp_${n}`, householdId, name, category, township,
      monthlyBenefitFen: Number(fen), since, bankName, bankAccount, status: 'ACTIVE', importId: 'raw',
      history: [{ at: new Date().toISOString(), by: 'bench', action: 'IMPORTED', reason: 'raw' }],
    };
  });
  let started = performance.now();
  await batchPut('bench-raw', rawItems, rawConcurrency);
  const rawSeconds = (performance.now() - started) / 1000;
  const rawRate = rows / rawSeconds;
  // The ceiling: the same items created conditionally, as the import workers create them:
  // putAllIfAbsent's default 32 in flight per worker, one worker per file up to the queue's concurrency.
  const files = csvFiles();
  const importWorkers = Math.min(queueWorkers, files.length);
  const createsInFlight = 32 * importWorkers;
  await dynamodb().send(
    new CreateTableCommand({
      TableName: 'bench-conditional',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'idNumber', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'idNumber', KeyType: 'HASH' }],
    }),
  );
  started = performance.now();
  const notCreated = await putAllIfAbsent('bench-conditional', 'idNumber', rawItems, createsInFlight);
  const conditionalSeconds = (performance.now() - started) / 1000;
  if (notCreated.length > 0) throw new Error(`ceiling: ${notCreated.length} not created`);
  const conditionalRate = rows / conditionalSeconds;

  const reviewer = await stack.keys.sign({ role: 'reviewer', sub: 'bench' });
  started = performance.now();
  const importIds: string[] = [];
  for (const csv of files) {
    const response = await fetch(`${stack.url}/recipients/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${reviewer}`, 'content-type': 'text/csv' },
      body: csv,
    });
    if (response.status !== 202) throw new Error(`import refused: ${response.status} ${await response.text()}`);
    importIds.push(((await response.json()) as { importId: string }).importId);
  }
  let imported = 0;
  for (const importId of importIds) {
    for (;;) {
      const response = await fetch(`${stack.url}/recipients/imports/${importId}`, {
        headers: { authorization: `Bearer ${reviewer}` },
      });
      const body = (await response.json()) as { status: string; imported: number; rejectedCount: number };
      if (body.status === 'RUNNING') {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      if (body.status !== 'COMPLETED' || body.rejectedCount > 0) throw new Error(`import ${importId}: ${JSON.stringify(body)}`);
      imported += body.imported;
      break;
    }
  }
  const importSeconds = (performance.now() - started) / 1000;
  const importRate = imported / importSeconds;
  if (imported !== rows) throw new Error(`imported ${imported} of ${rows}`);

  console.log(`rows: ${rows} in ${files.length} CSV files (each under 5 MiB); load average ${loadavg().map((l) => l.toFixed(2)).join(', ')} (2 cores, shared)`);
  console.log(`raw BatchWriteItem:   ${rawRate.toFixed(0)} items/s (${rawSeconds.toFixed(2)} s, ${rawConcurrency} calls in flight)`);
  console.log(`conditional creates:  ${conditionalRate.toFixed(0)} items/s (${conditionalSeconds.toFixed(2)} s, ${createsInFlight} in flight: ${importWorkers} workers x 32; the import's ceiling)`);
  console.log(`import end to end:    ${importRate.toFixed(0)} rows/s (${importSeconds.toFixed(2)} s, HTTP -> S3 -> SQS -> worker -> DynamoDB)`);
  console.log(`import / ceiling:     ${((importRate / conditionalRate) * 100).toFixed(0)}% of the conditional creates; ${((importRate / rawRate) * 100).toFixed(0)}% of raw (reference only: the old target of half of raw predates the conditional writes)`);
} finally {
  await stack.stop();
}
