// What the console needed of the registry routes (issue 16): periodic reviews due (a Query on the
// sparse openReviews index), township scoping on /recipients…, an import's progress counts while
// it runs, and refusals and rejected lines with stable codes, in Chinese under Accept-Language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../../shared/adapters/clients.ts';
import { tableName } from '../../shared/adapters/resources.ts';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { importProgressSlice } from '../../shared/usecases/registry-import.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';
import { actorsOf, member, runJob, storedRecipient, type Actors } from '../support/applications.ts';
import { validIdNumber, withWrongCheckDigit } from '../support/id-numbers.ts';
import { beforeDynamoDbCommand } from '../support/dynamodb-hooks.ts';

let stack: TestStack;
let actors: Actors;

const row = (idNumber: string, name: string, township: string, since = '2024-01-15') =>
  ['HH-RC', name, idNumber, 'DIBAO', township, '90000', since, '江苏银行', '6228480012345678'].join(',');

async function importLines(lines: string[], token = actors.reviewer) {
  const created = await stack.call('POST', '/recipients/imports', {
    token,
    rawBody: [registryCsvColumns.join(','), ...lines].join('\n'),
    contentType: 'text/csv',
  });
  expect(created.status).toBe(202);
  return created.body.importId as string;
}

async function finished(importId: string) {
  return eventually(async () => {
    const r = await stack.call('GET', `/recipients/imports/${importId}`, { token: actors.reviewer });
    return r.body.status === 'COMPLETED' ? r.body : undefined;
  }, 60_000, `import ${importId}`);
}

const scopedToken = async (role: 'caseworker' | 'reviewer', sub: string, township: string) =>
  (await stack.call('POST', '/local/dev-token', { body: { role, sub, township } })).body.token as string;

const zhenzhou = member(701, { name: '周真州' });
const liuji = member(702, { name: '吴刘集' });
const zhenzhouLater = member(703, { name: '郑真州' });

beforeAll(async () => {
  stack = await startTestStack();
  actors = await actorsOf(stack);
  await finished(
    await importLines([
      row(zhenzhou.idNumber, zhenzhou.name, '真州镇', '2024-01-15'),
      row(liuji.idNumber, liuji.name, '刘集镇', '2024-01-10'),
      row(zhenzhouLater.idNumber, zhenzhouLater.name, '真州镇', '2024-06-01'),
    ]),
  );
});
afterAll(async () => stack?.stop());

describe('GET /recipients/reviews-due', () => {
  it('lists the open reviews from the sparse index, by township, oldest first; scoped tokens see their own; an action closes one', async () => {
    await runJob('reviewDue', '2025-02-01'); // opens 周真州's and 吴刘集's reviews (a year after since), not 郑真州's
    const all = await stack.call('GET', '/recipients/reviews-due', { token: actors.reviewer });
    expect(all.status).toBe(200);
    const names = all.body.items.map((r: { name: string }) => r.name);
    expect(names).toEqual(expect.arrayContaining([zhenzhou.name, liuji.name]));
    expect(names).not.toContain(zhenzhouLater.name);
    const item = all.body.items.find((r: { name: string }) => r.name === zhenzhou.name);
    expect(item).toMatchObject({ township: '真州镇', reviewOpenedOn: '2025-02-01', reviewEveryMonths: 12, status: 'ACTIVE' });
    expect(item.idNumberMasked).not.toBe(zhenzhou.idNumber);
    expect(JSON.stringify(all.body)).not.toContain(zhenzhou.idNumber);

    // Only recipients with an open review are in the index (sparse): what the route reads.
    const indexed = await documents().send(
      new QueryCommand({
        TableName: tableName('recipients'),
        IndexName: 'openReviews',
        KeyConditionExpression: 'reviewQueue = :open',
        ExpressionAttributeValues: { ':open': 'OPEN' },
      }),
    );
    const everyone = await documents().send(new ScanCommand({ TableName: tableName('recipients'), Select: 'COUNT' }));
    expect(indexed.Count).toBe(all.body.items.length);
    expect(indexed.Count).toBeLessThan(everyone.Count!);

    // The second run opens 郑真州's; a township lists its own, oldest first, paged.
    await runJob('reviewDue', '2025-06-02');
    const page1 = await stack.call('GET', `/recipients/reviews-due?township=${encodeURIComponent('真州镇')}&limit=1`, { token: actors.reviewer });
    expect(page1.body.items.map((r: { name: string }) => r.name)).toEqual([zhenzhou.name]);
    expect(page1.body.nextToken).toEqual(expect.any(String));
    const page2 = await stack.call(
      'GET',
      `/recipients/reviews-due?township=${encodeURIComponent('真州镇')}&limit=1&nextToken=${page1.body.nextToken}`,
      { token: actors.reviewer },
    );
    expect(page2.body.items.map((r: { name: string }) => r.name)).toEqual([zhenzhouLater.name]);

    const scoped = await scopedToken('reviewer', 'reviewer-liuji', '刘集镇');
    const own = await stack.call('GET', '/recipients/reviews-due', { token: scoped });
    expect(own.body.items.map((r: { name: string }) => r.name)).toEqual([liuji.name]);
    const other = await stack.call('GET', `/recipients/reviews-due?township=${encodeURIComponent('真州镇')}`, { token: scoped });
    expect(other.status).toBe(403);
    expect(other.body.error.reason).toMatchObject({ code: 'TOWNSHIP_OUT_OF_SCOPE' });
    expect((await stack.call('GET', '/recipients/reviews-due', { token: actors.caseworker })).status).toBe(403);

    // Suspending closes the review: it leaves the list and the index.
    await stack.call('POST', '/recipients/suspensions', { token: actors.reviewer, body: { idNumber: liuji.idNumber, reason: '复核：外出务工收入待核' } });
    expect((await stack.call('GET', '/recipients/reviews-due', { token: scoped })).body.items).toEqual([]);
    expect(await storedRecipient(liuji.idNumber)).not.toHaveProperty('reviewQueue');
    await stack.call('POST', '/recipients/reinstatements', { token: actors.reviewer, body: { idNumber: liuji.idNumber, reason: '核实无误' } });
  });
});

describe('township scoping on /recipients…', () => {
  it('a token carrying a township finds, changes and re-accounts only its own recipients: 403 and nothing changed otherwise', async () => {
    const liujiCaseworker = await scopedToken('caseworker', 'caseworker-liuji', '刘集镇');
    const liujiReviewer = await scopedToken('reviewer', 'reviewer-liuji', '刘集镇');
    const before = await storedRecipient(zhenzhou.idNumber);

    const search = await stack.call('GET', `/recipients?idNumber=${zhenzhou.idNumber}`, { token: liujiCaseworker });
    expect(search.status).toBe(403);
    expect(search.body.error).toMatchObject({ code: 'FORBIDDEN', reason: { code: 'TOWNSHIP_OUT_OF_SCOPE', values: { township: '真州镇', scopedTo: '刘集镇' } } });
    expect((await stack.call('GET', `/recipients?idNumber=${liuji.idNumber}`, { token: liujiCaseworker })).body.items).toHaveLength(1);

    for (const path of ['suspensions', 'terminations']) {
      const r = await stack.call('POST', `/recipients/${path}`, { token: liujiReviewer, body: { idNumber: zhenzhou.idNumber, reason: '越权' } });
      expect(r.status, path).toBe(403);
    }
    const ask = await stack.call('POST', '/recipients/payee-changes', {
      token: liujiCaseworker,
      body: { idNumber: zhenzhou.idNumber, bankName: '工商银行', bankAccount: '6222020000000001', reason: '越权' },
    });
    expect(ask.status).toBe(403);
    expect(await storedRecipient(zhenzhou.idNumber)).toEqual(before);

    // Its own township's recipient: allowed.
    const own = await stack.call('POST', '/recipients/payee-changes', {
      token: liujiCaseworker,
      body: { idNumber: liuji.idNumber, bankName: '工商银行', bankAccount: '6222020000000002', reason: '原卡挂失' },
    });
    expect(own.status).toBe(201);
    // A checker of another township may not confirm it.
    const zhenzhouReviewer = await scopedToken('reviewer', 'reviewer-zhenzhou', '真州镇');
    const confirm = await stack.call('POST', '/recipients/payee-changes/confirmations', {
      token: zhenzhouReviewer,
      body: { idNumber: liuji.idNumber, changeId: own.body.changeId, reason: '核对' },
    });
    expect(confirm.status).toBe(403);
    expect((await storedRecipient(liuji.idNumber)) as unknown as { pendingPayeeChange?: unknown }).toHaveProperty('pendingPayeeChange');
    const confirmed = await stack.call('POST', '/recipients/payee-changes/confirmations', {
      token: liujiReviewer,
      body: { idNumber: liuji.idNumber, changeId: own.body.changeId, reason: '核对' },
    });
    expect(confirmed.status).toBe(200);

    // A registry import is a county action: a scoped token neither starts nor reads one.
    const imported = await stack.call('POST', '/recipients/imports', {
      token: liujiReviewer,
      rawBody: [registryCsvColumns.join(','), row(validIdNumber(704), '王', '刘集镇')].join('\n'),
      contentType: 'text/csv',
    });
    expect(imported.status).toBe(403);
    expect(imported.body.error.reason.code).toBe('TOWNSHIP_SCOPED_IMPORT');
  });
});

describe('Chinese under Accept-Language: zh-CN, codes unchanged', () => {
  it('a refusal has a stable reason code, English by default and Chinese when asked for', async () => {
    await stack.call('POST', '/recipients/suspensions', { token: actors.reviewer, body: { idNumber: zhenzhouLater.idNumber, reason: '暂停' } });
    const body = { idNumber: zhenzhouLater.idNumber, reason: '再次暂停' };
    const english = await stack.call('POST', '/recipients/suspensions', { token: actors.reviewer, body });
    const chinese = await stack.call('POST', '/recipients/suspensions', { token: actors.reviewer, body, headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' } });
    expect(english.status).toBe(409);
    expect(chinese.status).toBe(409);
    expect(english.body.error).toMatchObject({
      code: 'INVALID_STATE',
      message: 'the recipient is SUSPENDED: SUSPEND is allowed only when it is ACTIVE',
      reason: { code: 'RECIPIENT_STATUS_FORBIDS', values: { status: 'SUSPENDED', allowed: 'ACTIVE' } },
    });
    expect(chinese.body.error).toMatchObject({ code: 'INVALID_STATE', reason: english.body.error.reason });
    expect(chinese.body.error.message).toBe('该对象当前为“暂停”，只有“在保”时才能办理');
    // English first in the header: English.
    const preferEnglish = await stack.call('POST', '/recipients/suspensions', { token: actors.reviewer, body, headers: { 'accept-language': 'en-US,zh-CN;q=0.5' } });
    expect(preferEnglish.body.error.message).toBe(english.body.error.message);

    const invalid = await stack.call('POST', '/recipients/suspensions', {
      token: actors.reviewer,
      body: { idNumber: withWrongCheckDigit(validIdNumber(705)) },
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'idNumber', code: 'ID_NUMBER_CHECK_DIGIT', message: '身份证号码校验位不正确（GB 11643）' }),
        expect.objectContaining({ path: 'reason', code: 'REQUIRED', message: '此项必填' }),
      ]),
    );
  });

  it("rejected lines carry codes per column, and read in Chinese when asked for (dry run and the import's record)", async () => {
    const lines = [
      row(validIdNumber(710), '甲', '真州镇'),
      row(validIdNumber(710), '乙', '真州镇'),
      row(withWrongCheckDigit(validIdNumber(711)), '丙', '真州镇'),
      row(zhenzhou.idNumber, zhenzhou.name, '真州镇'),
      'HH-1,丁',
    ];
    const csv = [registryCsvColumns.join(','), ...lines].join('\n');
    const dry = await stack.call('POST', '/recipients/imports?dryRun=true', {
      token: actors.reviewer,
      rawBody: csv,
      contentType: 'text/csv',
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(dry.status).toBe(200);
    expect(dry.body.rejected).toEqual([
      { line: 3, message: '身份证号码：与第 2 行重复', details: [expect.objectContaining({ path: 'idNumber', code: 'DUPLICATES_LINE', values: { line: 2 } })] },
      { line: 4, message: '身份证号码：身份证号码校验位不正确（GB 11643）', details: [expect.objectContaining({ code: 'ID_NUMBER_CHECK_DIGIT' })] },
      { line: 5, message: '身份证号码：此人已在名册中', details: [expect.objectContaining({ code: 'ALREADY_IN_REGISTRY' })] },
      { line: 6, message: '有 2 列，应为 9 列', details: [expect.objectContaining({ code: 'LINE_FIELD_COUNT', values: { found: 2, expected: 9 } })] },
    ]);
    const record = await finished(await importLines(lines));
    expect(record.rejected.map((r: { message: string }) => r.message)).toEqual([
      'idNumber: duplicates line 2',
      'idNumber: check digit does not match',
      'idNumber: already in the registry',
      'has 2 fields; expected 9',
    ]);
    const inChinese = await stack.call('GET', `/recipients/imports/${record.importId}`, { token: actors.reviewer, headers: { 'accept-language': 'zh-CN' } });
    expect(inChinese.body.rejected.map((r: { message: string }) => r.message)).toEqual(dry.body.rejected.map((r: { message: string }) => r.message));
  });
});

describe("an import's progress counts", () => {
  it('counts lines while the worker writes them, and all of them once it has finished', async () => {
    const count = importProgressSlice + 50;
    const lines = Array.from({ length: count }, (_, n) => row(validIdNumber(5000 + n, '19600101'), `进度${n}`, '真州镇'));
    // Hold the worker's first write of its second slice until the test has seen the first slice counted.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let recipientPuts = 0;
    const remove = beforeDynamoDbCommand(async (call) => {
      if (call.name === 'PutItemCommand' && call.input.TableName === tableName('recipients') && ++recipientPuts > importProgressSlice) await gate;
    });
    try {
      const importId = await importLines(lines);
      const running = await eventually(async () => {
        const r = await stack.call('GET', `/recipients/imports/${importId}`, { token: actors.reviewer });
        return r.body.progress.processed > 0 ? r.body : undefined;
      }, 60_000, 'the first slice counted');
      expect(running).toMatchObject({ status: 'RUNNING', progress: { lines: count, processed: importProgressSlice } });
      release();
      const done = await finished(importId);
      expect(done).toMatchObject({ imported: count, progress: { lines: count, processed: count } });
    } finally {
      release();
      remove();
    }
  });
});
