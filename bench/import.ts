// Imports 100,000 recipients through the local stack (HTTP -> S3 -> SQS -> worker -> DynamoDB)
// and, in the same run, measures raw BatchWriteItem throughput on DynamoDB Local for comparison.
// npm run bench:import [-- --rows 100000]
import { parseArgs } from 'node:util';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { dynamodb } from '../shared/adapters/clients.ts';
import { batchPut } from '../shared/adapters/dynamo-batch.ts';
import { benchIdNumber as idNumber, rawConcurrency } from './fixtures.ts';
import { registryCsvColumns } from '../shared/domain/registry.ts';
import { startLocalStack } from '../local/stack.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' } } });
const rows = Number(values.rows);
const maxCsvBytes = 5 * 1024 * 1024;


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

  const files = csvFiles();
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

  console.log(`rows: ${rows} in ${files.length} CSV files (each under 5 MiB)`);
  console.log(`raw BatchWriteItem:   ${rawRate.toFixed(0)} items/s (${rawSeconds.toFixed(2)} s, ${rawConcurrency} calls in flight)`);
  console.log(`import end to end:    ${importRate.toFixed(0)} rows/s (${importSeconds.toFixed(2)} s, HTTP -> S3 -> SQS -> worker -> DynamoDB)`);
  console.log(`import / raw:         ${((importRate / rawRate) * 100).toFixed(0)}% (target: at least 50%)`);
} finally {
  await stack.stop();
}
