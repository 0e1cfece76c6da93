// Issue 12 end to end: bytes reach the decoder, dry runs, full rejections, edge robustness.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../../shared/adapters/clients.ts';
import { tableName } from '../../shared/adapters/resources.ts';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';
import { validIdNumber, withWrongCheckDigit } from '../support/id-numbers.ts';
import { applicationBody, member } from '../support/applications.ts';
import { gbkBytes } from '../support/gbk.ts';

let stack: TestStack;
let reviewer: string;
let caseworker: string;

const chineseHeader = '户编号,姓名,身份证号,类别,乡镇,月保障金,起始日期,开户行,账号';
const header = registryCsvColumns.join(',');
const line = (n: number, name = '居民') =>
  `HH-F${n},${name},${validIdNumber(n, '19700101')},DIBAO,真州镇,90000,2022-03-01,江苏银行,6228480012345678`;

async function post(path: string, body: Uint8Array | string, contentType: string, token = reviewer) {
  const response = await fetch(stack.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body,
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function finished(importId: string) {
  return eventually(async () => {
    const r = await stack.call('GET', `/recipients/imports/${importId}`, { token: reviewer });
    return r.body?.status === 'RUNNING' ? undefined : r.body;
  }, 60_000, `import ${importId}`);
}

const count = async (table: 'recipients' | 'recipientImports') =>
  (await documents().send(new ScanCommand({ TableName: tableName(table), Select: 'COUNT' }))).Count ?? 0;

beforeAll(async () => {
  stack = await startTestStack();
  reviewer = await stack.token('reviewer', 'reviewer-files');
  caseworker = await stack.token('caseworker', 'caseworker-files');
});
afterAll(async () => stack?.stop());

describe('a registry CSV saved by Chinese Excel (GBK)', () => {
  const csv = [chineseHeader, `HH-F1,王婧,${validIdNumber(1, '19700101')},低保,真州镇,900,2022-03-01,江苏银行,6228480012345678`].join('\r\n');

  it('arrives intact as application/vnd.ms-excel (base64 through the gateway) and is read as GB18030', async () => {
    const created = await post('/recipients/imports', gbkBytes(csv), 'application/vnd.ms-excel');
    expect(created.status).toBe(202);
    const result = await finished(created.body.importId);
    expect(result).toMatchObject({ status: 'COMPLETED', imported: 1, encoding: 'GB18030' });
    const found = await stack.call('GET', `/recipients?idNumber=${validIdNumber(1, '19700101')}`, { token: reviewer });
    expect(found.body.items[0]).toMatchObject({ name: '王婧', monthlyBenefitFen: 90000, category: 'DIBAO' });
  });

  it('as text/csv it reaches the function already replaced, and is refused saying what to do, whatever charset it declares', async () => {
    for (const contentType of ['text/csv', 'text/csv; charset=GBK']) {
      const refused = await post('/recipients/imports', gbkBytes(csv), contentType);
      expect(refused.status, contentType).toBe(400);
      expect(refused.body.error.details[0].path).toBe('body');
      expect(refused.body.error.message).toMatch(/application\/octet-stream.*CSV UTF-8/s);
    }
  });

  it('a GBK pain.002 sent as text/xml is refused, not read as 锟斤拷 under its encoding="GBK"', async () => {
    const finance = await stack.token('finance', 'finance-files');
    const xml = gbkBytes(
      '<?xml version="1.0" encoding="GBK"?><Document><CstmrPmtStsRpt><OrgnlPmtInfAndSts><TxInfAndSts>' +
        '<OrgnlEndToEndId>PS202612-X</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><AddtlInf>户名不符</AddtlInf></StsRsnInf>' +
        '</TxInfAndSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>',
    );
    const refused = await post('/payout-batches/pb_unknown/bank-results', xml, 'text/xml', finance);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ details: [{ path: 'body' }], message: expect.stringMatching(/application\/octet-stream/) });
  });
});

describe('dry run and the full list of rejections', () => {
  it('answers what the import would do and stores nothing', async () => {
    const before = [await count('recipients'), await count('recipientImports')];
    const csv = [header, line(20), line(21, '张三'), `HH-F22,李四,${withWrongCheckDigit(validIdNumber(22))},DIBAO,真州镇,1,2022-03-01,江苏银行,6228480012345678`].join('\n');
    const dry = await post('/recipients/imports?dryRun=true', csv, 'text/csv');
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, encoding: 'UTF-8', lines: 3, wouldImport: 2, rejectedCount: 1 });
    expect(dry.body.rejected).toEqual([{ line: 4, message: expect.stringContaining('check digit'), details: [expect.objectContaining({ code: 'ID_NUMBER_CHECK_DIGIT' })] }]);
    expect(dry.body.firstRows[1]).toMatchObject({ line: 3, name: '张三', idNumberMasked: expect.stringMatching(/^\d{6}\*{8}/) });
    expect([await count('recipients'), await count('recipientImports')]).toEqual(before);
  });

  it('keeps every rejected line, not only the first 1,000, as a CSV to download', async () => {
    const bad = Array.from({ length: 1005 }, (_, n) => `HH-B${n},王,${n},DIBAO,真州镇,1,2022-03-01,江苏银行,6228480012345678`);
    const created = await post('/recipients/imports', [header, ...bad].join('\n'), 'text/csv');
    const result = await finished(created.body.importId);
    expect(result).toMatchObject({ status: 'COMPLETED', imported: 0, rejectedCount: 1005 });
    expect(result.rejected).toHaveLength(1000);
    const download = await fetch(result.rejectionsCsvUrl);
    const text = await download.text();
    const rows = text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(rows[0]).toBe('line,message');
    expect(rows).toHaveLength(1006);
    expect(rows[1005]).toMatch(/^1006,"idNumber: must be 18 characters"$/);
  });
});

describe('the edge answers bad input with 400 and the envelope, never 500', () => {
  it('malformed percent-encoding in a path', async () => {
    for (const path of ['/recipients/imports/%ZZ', '/recipients/imports/%', '/recipients/imports/%C3']) {
      const r = await stack.call('GET', path, { token: reviewer });
      expect(r.status, path).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'importId' }] });
    }
  });

  it('JSON with a UTF-8 byte-order mark', async () => {
    const body = `\uFEFF${JSON.stringify(applicationBody('DIBAO', [member(30)]))}`;
    const r = await post('/applications', body, 'application/json', caseworker);
    expect(r.status).toBe(201);
  });

  it('pagination tokens: sealed, bound to the list, its filters and the caller', async () => {
    for (const n of [31, 32, 33]) await post('/applications', JSON.stringify(applicationBody('DIBAO', [member(n)])), 'application/json', caseworker);
    const first = await stack.call('GET', '/applications?limit=1', { token: reviewer });
    const token = first.body.nextToken as string;
    expect(token).toBeTruthy();
    expect(Buffer.from(token, 'base64url').toString('utf8')).not.toContain('id');
    const ok = await stack.call('GET', `/applications?limit=1&nextToken=${token}`, { token: reviewer });
    expect(ok.status).toBe(200);
    expect(ok.body.items[0].id).not.toBe(first.body.items[0].id);

    const another = await stack.token('reviewer', 'reviewer-other');
    const edited = `${token.slice(0, -2)}${token.endsWith('AA') ? 'AB' : 'AA'}`;
    const forged = Buffer.from(JSON.stringify({ id: 'x' })).toString('base64url');
    const refusals = [
      await stack.call('GET', `/applications?limit=1&nextToken=${token}`, { token: another }),
      await stack.call('GET', `/applications?limit=1&status=UNDER_REVIEW&nextToken=${token}`, { token: reviewer }),
      await stack.call('GET', `/applications?limit=1&nextToken=${edited}`, { token: reviewer }),
      await stack.call('GET', `/applications?limit=1&nextToken=${forged}`, { token: reviewer }),
      await stack.call('GET', `/payout-batches/pb_x/payments?nextToken=${token}`, { token: await stack.token('finance', 'f') }),
    ];
    for (const r of refusals) {
      expect(r.status).toBe(r.body.error.code === 'NOT_FOUND' ? 404 : 400);
      if (r.status === 400) expect(r.body.error.message).toBe('nextToken: not a token this API gave out');
    }
  });
});
