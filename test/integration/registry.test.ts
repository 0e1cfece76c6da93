import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SignJWT, generateKeyPair } from 'jose';
import { documents } from '../../shared/adapters/clients.ts';
import { s3 } from '../../shared/adapters/s3-clients.ts';
import { bucketName, tableName } from '../../shared/adapters/resources.ts';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { auth } from '../../shared/topology.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';
import { validIdNumber, withWrongCheckDigit } from '../support/id-numbers.ts';

const header = registryCsvColumns.join(',');
const line = (id: string, overrides: Partial<Record<(typeof registryCsvColumns)[number], string>> = {}) => {
  const fields = {
    householdId: 'HH-001',
    name: '王婧',
    idNumber: id,
    category: 'DIBAO',
    township: '真州镇',
    monthlyBenefitFen: '90000',
    since: '2022-03-01',
    bankName: '江苏银行',
    bankAccount: '6228480012345678',
    ...overrides,
  };
  return registryCsvColumns.map((c) => fields[c]).join(',');
};

let stack: TestStack;
let reviewer: string;

async function importCsv(csv: string, headers: Record<string, string> = {}) {
  return stack.call('POST', '/recipients/imports', { token: reviewer, rawBody: csv, contentType: 'text/csv', headers });
}

async function finished(importId: string) {
  return eventually(async () => {
    const r = await stack.call('GET', `/recipients/imports/${importId}`, { token: reviewer });
    return r.body?.status === 'RUNNING' ? undefined : r.body;
  }, 20_000, `import ${importId}`);
}

async function countItems(table: 'recipients' | 'recipientImports') {
  const result = await documents().send(new ScanCommand({ TableName: tableName(table), Select: 'COUNT' }));
  return result.Count ?? 0;
}

beforeAll(async () => {
  stack = await startTestStack();
  reviewer = await stack.token('reviewer', 'reviewer-1');
});
afterAll(async () => stack?.stop());

describe('registry import through HTTP, S3, SQS and the worker', () => {
  it('imports the valid lines and reports each rejected line by number', async () => {
    const csv = [
      header,
      line(validIdNumber(1)),
      line(withWrongCheckDigit(validIdNumber(2))),
      line(validIdNumber(3), { category: 'RICH' }),
      line(validIdNumber(4), { monthlyBenefitFen: '-5' }),
      line(validIdNumber(1), { householdId: 'HH-002' }),
      line(validIdNumber(5), { since: '2022-02-30' }),
      line(validIdNumber(6), { category: 'TEKUN', name: '"李,四"' }),
      '',
    ].join('\n');
    const created = await importCsv(csv);
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ status: 'RUNNING' });

    const result = await finished(created.body.importId);
    expect(result.status).toBe('COMPLETED');
    expect(result.imported).toBe(2);
    expect(result.rejected.map((r: { line: number }) => r.line)).toEqual([3, 4, 5, 6, 7]);
    expect(result.rejected[0].message).toMatch(/idNumber: check digit does not match/);
    expect(result.rejected[1].message).toMatch(/category/);
    expect(result.rejected[2].message).toMatch(/monthlyBenefitFen/);
    expect(result.rejected[3].message).toMatch(/duplicates line 2/);
    expect(result.rejected[4].message).toMatch(/since/);
    // Rejection messages never echo the ID number.
    expect(JSON.stringify(result)).not.toContain(validIdNumber(1));

    const found = await stack.call('GET', `/recipients?idNumber=${validIdNumber(6)}`, { token: reviewer });
    expect(found.status).toBe(200);
    expect(found.body.items).toHaveLength(1);
    expect(found.body.items[0]).toMatchObject({
      name: '李,四',
      category: 'TEKUN',
      status: 'ACTIVE',
      idNumberMasked: `321081********${validIdNumber(6).slice(-4)}`,
      monthlyBenefitFen: 90000,
    });
    expect(found.text).not.toContain(validIdNumber(6));
  });

  it('rejects a line whose person is already in the registry', async () => {
    const created = await importCsv([header, line(validIdNumber(1)), line(validIdNumber(7))].join('\n'));
    const result = await finished(created.body.importId);
    expect(result).toMatchObject({ status: 'COMPLETED', imported: 1 });
    expect(result.rejected).toEqual([{ line: 2, message: 'idNumber: already in the registry', details: [expect.objectContaining({ code: 'ALREADY_IN_REGISTRY' })] }]);
  });

  it('applies a redelivered import once, even after a crash before it was marked finished', async () => {
    const created = await importCsv([header, line(validIdNumber(8)), line(validIdNumber(9))].join('\n'));
    const importId = created.body.importId;
    await finished(importId);
    const recipientsBefore = await countItems('recipients');

    // The worker wrote the lines but died before recording the outcome; SQS delivers again.
    await documents().send(
      new UpdateCommand({
        TableName: tableName('recipientImports'),
        Key: { importId },
        UpdateExpression: 'SET #s = :running',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':running': 'RUNNING' },
      }),
    );
    await stack.sqs.send(
      new SendMessageCommand({ QueueUrl: stack.queueUrls.recipientImports, MessageBody: JSON.stringify({ importId }) }),
    );
    const rerun = await finished(importId);
    expect(rerun).toMatchObject({ status: 'COMPLETED', imported: 2, rejected: [] });

    // And a plain duplicate delivery of a finished import changes nothing.
    await stack.handled('recipientImports', [await stack.send('recipientImports', { importId })]);
    expect(await countItems('recipients')).toBe(recipientsBefore);
    const again = await stack.call('GET', `/recipients/imports/${importId}`, { token: reviewer });
    expect(again.body).toMatchObject({ status: 'COMPLETED', imported: 2 });
  });

  it('redelivers a failing message and then moves it to the dead-letter queue', async () => {
    await stack.sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.queueUrls.recipientImports,
        MessageBody: JSON.stringify({ importId: 'no-such-import' }),
      }),
    );
    const dead = await eventually(async () => {
      const r = await stack.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: stack.deadLetterQueueUrls.recipientImports,
          MaxNumberOfMessages: 1,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      return r.Messages?.[0];
    }, 30_000, 'the message in the DLQ');
    expect(JSON.parse(dead.Body!)).toEqual({ importId: 'no-such-import' });
    // Received three times on the work queue (maxReceiveCount), then moved.
    expect(Number(dead.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(3);
  });

  it('replays an Idempotency-Key with the same body and refuses it with another', async () => {
    const csv = [header, line(validIdNumber(10))].join('\n');
    const first = await importCsv(csv, { 'idempotency-key': 'import-2026-11-29-a' });
    const second = await importCsv(csv, { 'idempotency-key': 'import-2026-11-29-a' });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.importId).toBe(first.body.importId);

    const other = await importCsv([header, line(validIdNumber(11))].join('\n'), {
      'idempotency-key': 'import-2026-11-29-a',
    });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('bad requests get the contract error and store nothing', () => {
  async function storedSnapshot() {
    const objects = await s3().send(new ListObjectsV2Command({ Bucket: bucketName('documents') }));
    return { imports: await countItems('recipientImports'), objects: objects.KeyCount ?? 0 };
  }

  it.each([
    ['a wrong header', { rawBody: 'name,idNumber\nx,y', contentType: 'text/csv' }, 400, 'VALIDATION_FAILED'],
    ['a header and no lines', { rawBody: `${header}\n`, contentType: 'text/csv' }, 400, 'VALIDATION_FAILED'],
    ['JSON instead of CSV', { body: { rows: [] } }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a body over 5 MiB', { rawBody: `${header}\n${'x'.repeat(5 * 1024 * 1024)}`, contentType: 'text/csv' }, 413, 'PAYLOAD_TOO_LARGE'],
  ])('%s', async (_name, options, status, code) => {
    const before = await storedSnapshot();
    const response = await stack.call('POST', '/recipients/imports', { token: reviewer, ...options });
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.body.error.message).toBeTruthy();
    expect(await storedSnapshot()).toEqual(before);
  });

  it('names the field at fault in a query', async () => {
    const response = await stack.call('GET', `/recipients?idNumber=${withWrongCheckDigit(validIdNumber(1))}`, {
      token: reviewer,
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([{ path: 'idNumber', message: 'check digit does not match', code: 'ID_NUMBER_CHECK_DIGIT' }]);
  });

  it('refuses a missing, expired or forged token with 401 and a wrong role with 403', async () => {
    const csv = [header, line(validIdNumber(12))].join('\n');
    const before = await storedSnapshot();
    const missing = await stack.call('POST', '/recipients/imports', { rawBody: csv, contentType: 'text/csv' });
    const expired = await stack.call('POST', '/recipients/imports', {
      token: await stack.keys.sign({ role: 'reviewer', sub: 'r', expiresIn: '-1m' }),
      rawBody: csv,
      contentType: 'text/csv',
    });
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ [auth.groupsClaim]: ['reviewer'] })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('mallory')
      .setIssuer(auth.localIssuer)
      .setAudience(auth.localAudience)
      .setExpirationTime('1h')
      .sign(privateKey);
    const forgedResponse = await stack.call('POST', '/recipients/imports', { token: forged, rawBody: csv, contentType: 'text/csv' });
    for (const response of [missing, expired, forgedResponse]) {
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('UNAUTHENTICATED');
    }
    const caseworker = await stack.call('POST', '/recipients/imports', {
      token: await stack.token('caseworker', 'cw-1'),
      rawBody: csv,
      contentType: 'text/csv',
    });
    expect(caseworker.status).toBe(403);
    expect(caseworker.body.error.code).toBe('FORBIDDEN');
    const hospital = await stack.call('GET', `/recipients?idNumber=${validIdNumber(1)}`, {
      token: await stack.token('hospital', 'his-1', 'H-YZ-PEOPLES'),
    });
    expect(hospital.status).toBe(403);
    expect(await storedSnapshot()).toEqual(before);
  });

  it('answers 404 for an unknown import and lists the designated hospitals to any role', async () => {
    expect((await stack.call('GET', '/recipients/imports/nope', { token: reviewer })).status).toBe(404);
    const hospitals = await stack.call('GET', '/hospitals', { token: await stack.token('finance', 'fin-1') });
    expect(hospitals.status).toBe(200);
    expect(hospitals.body.items.length).toBeGreaterThanOrEqual(2);
    expect(hospitals.body.items[0]).toEqual({ hospitalId: expect.any(String), name: expect.any(String) });
  });
});
