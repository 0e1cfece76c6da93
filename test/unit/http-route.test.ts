// The HTTP edge on its own: no AWS call is made by these routes (no Idempotency-Key is sent).
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { Context } from 'aws-lambda';
import { httpRoute, groupsFromClaim, type HttpEvent } from '../../shared/http/route.ts';
import type { FileBody } from '../../shared/domain/actor.ts';
import { fenSchema, idNumberSchema } from '../../shared/http/schemas.ts';
import { validIdNumber } from '../support/id-numbers.ts';
import { gbkBytes } from '../support/gbk.ts';
import { authorizedEvent } from '../support/http-event.ts';

const route = httpRoute({
  roles: ['hospital'],
  body: { kind: 'json', schema: z.object({ patient: z.object({ idNumber: idNumberSchema }), totalCostFen: fenSchema }) },
  handle: async ({ actor, body }) => ({ status: 202, body: { hospitalId: actor.hospitalId, total: body.totalCostFen } }),
});

function event(body: string | undefined, options: { contentType?: string; groups?: string; hospitalId?: string } = {}): HttpEvent {
  return authorizedEvent({
    method: 'POST',
    headers: { 'content-type': options.contentType ?? 'application/json' },
    claims: { sub: 'his-1', 'cognito:groups': options.groups ?? '[hospital]', ...(options.hospitalId !== '' && { hospital_id: options.hospitalId ?? 'H-1' }) },
    body,
  });
}

async function invoke(e: HttpEvent) {
  const result = await route(e, {} as Context);
  return { status: result.statusCode, body: JSON.parse(result.body!) };
}

const goodBody = JSON.stringify({ patient: { idNumber: validIdNumber(1) }, totalCostFen: 100 });

describe('the HTTP edge', () => {
  it('passes a valid request with the verified hospital id', async () => {
    expect(await invoke(event(goodBody))).toEqual({ status: 202, body: { hospitalId: 'H-1', total: 100 } });
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const r = await invoke(event('{"patient":'));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('MALFORMED_JSON');
  });

  it('names every field at fault', async () => {
    const r = await invoke(event(JSON.stringify({ patient: { idNumber: '321081198001010010' }, totalCostFen: 1.5 })));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    expect(r.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['patient.idNumber', 'totalCostFen']);
  });

  it('answers a wrong content type with 415 and an oversize body with 413', async () => {
    expect((await invoke(event(goodBody, { contentType: 'text/plain' }))).status).toBe(415);
    expect((await invoke(event(JSON.stringify({ pad: 'x'.repeat(1024 * 1024) })))).status).toBe(413);
  });

  it('forbids other roles and hospital tokens without a hospital id', async () => {
    expect((await invoke(event(goodBody, { groups: '[reviewer]' }))).body.error.code).toBe('FORBIDDEN');
    expect((await invoke(event(goodBody, { hospitalId: '' }))).status).toBe(403);
  });

  it('reads groups in both claim forms', () => {
    expect(groupsFromClaim('[finance reviewer]')).toEqual(['finance', 'reviewer']);
    expect(groupsFromClaim(['hospital'])).toEqual(['hospital']);
    expect(groupsFromClaim('caseworker')).toEqual(['caseworker']);
    expect(groupsFromClaim(undefined)).toEqual([]);
  });
});

describe('a file body at the edge (issue 12, finding 1)', () => {
  const fileRoute = httpRoute<FileBody>({
    roles: ['hospital'],
    body: { kind: 'file', contentTypes: ['text/csv', 'application/octet-stream'], maxBytes: 1024 },
    handle: async ({ body }) => ({ status: 200, body: { hex: body.bytes.toString('hex') } }),
  });
  const invokeFile = async (e: HttpEvent) => {
    const result = await fileRoute(e, {} as Context);
    return { status: result.statusCode, body: JSON.parse(result.body!) };
  };
  const gbk = gbkBytes('姓名,王婧');

  it('hands a base64-encoded body on as its bytes', async () => {
    const e = { ...event(Buffer.from(gbk).toString('base64'), { contentType: 'application/octet-stream' }), isBase64Encoded: true };
    expect(await invokeFile(e)).toEqual({ status: 200, body: { hex: Buffer.from(gbk).toString('hex') } });
  });

  it('refuses a text body the gateway already replaced, whatever charset it declares (no 锟斤拷)', async () => {
    const asGatewayReadIt = Buffer.from(gbk).toString('utf8');
    expect(asGatewayReadIt).toContain('\uFFFD');
    for (const contentType of ['text/csv', 'text/csv; charset=GBK']) {
      const r = await invokeFile(event(asGatewayReadIt, { contentType }));
      expect(r.status, contentType).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'body' }] });
      expect(r.body.error.message).toMatch(/application\/octet-stream/);
    }
  });
});

describe("the answer just before the function's deadline (issue 14)", () => {
  it("is the contract's envelope (500 INTERNAL, retry with the same key), not a thrown TimeoutError", async () => {
    let finish!: () => void;
    const slow = httpRoute({
      roles: ['hospital'],
      handle: () => new Promise((resolve) => (finish = () => resolve({ status: 202, body: {} }))),
    });
    const context = { getRemainingTimeInMillis: () => 30 } as unknown as Context;
    try {
      const result = await slow(event(undefined), context);
      expect(result.statusCode).toBe(500);
      expect(JSON.parse(result.body!).error).toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('Idempotency-Key') });
    } finally {
      finish();
    }
  });
});
