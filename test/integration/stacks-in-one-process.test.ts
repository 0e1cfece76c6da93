// Integration files share their worker's modules (vitest.config.ts), so one process serves several
// local stacks in turn, each with its own tables and secrets. Module-level state in function code
// must follow the stack it serves: this file runs two stacks one after the other, as a worker does,
// and checks where the second stack's records went.
import { describe, expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../../shared/adapters/clients.ts';
import { tableName } from '../../shared/adapters/resources.ts';
import { recipientIdFor } from '../../shared/domain/recipient-id.ts';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { localSecretEnv } from '../../shared/topology.ts';
import { eventually, startTestStack } from '../support/local-stack.ts';
import { validIdNumber } from '../support/id-numbers.ts';

const importLine = (idNumber: string) =>
  ['HH-001', '王婧', idNumber, 'DIBAO', '真州镇', '90000', '2022-03-01', '江苏银行', '6228480012345678'].join(',');

describe('two local stacks, one after the other, in one process', () => {
  it("each keeps its Idempotency-Key records in its own table and keys recipients with its own secret", async () => {
    for (const round of [1, 2]) {
      const stack = await startTestStack();
      try {
        const reviewer = await stack.token('reviewer', 'reviewer-1');
        const idNumber = validIdNumber(40 + round);
        // The same key with another body in each stack: a store left on the first stack's table answers 409.
        const posted = await stack.call('POST', '/recipients/imports', {
          token: reviewer,
          rawBody: [registryCsvColumns.join(','), importLine(idNumber)].join('\n'),
          contentType: 'text/csv',
          headers: { 'idempotency-key': 'one-key-in-two-stacks' },
        });
        expect([round, posted.status]).toEqual([round, 202]);
        await eventually(async () => {
          const r = await stack.call('GET', `/recipients/imports/${posted.body.importId}`, { token: reviewer });
          return r.body?.status === 'COMPLETED' ? r.body : undefined;
        }, undefined, `round ${round}'s import`);

        const idempotencyRecords = await documents().send(new ScanCommand({ TableName: tableName('idempotency'), Select: 'COUNT' }));
        expect([round, idempotencyRecords.Count]).toEqual([round, 1]);
        const recipients = (await documents().send(new ScanCommand({ TableName: tableName('recipients') }))).Items ?? [];
        const key = Buffer.from(process.env[localSecretEnv('recipientIdKey')]!, 'hex');
        expect(recipients.map((r) => r.recipientId)).toEqual([recipientIdFor(key, idNumber)]);
      } finally {
        await stack.stop();
      }
    }
  });
});
