// Builders for relief applications and helpers to drive them through the local stack.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../../shared/adapters/clients.ts';
import { tableName } from '../../shared/adapters/resources.ts';
import type { ApplicationRecord } from '../../shared/domain/applications.ts';
import type { Recipient } from '../../shared/domain/registry.ts';
import { functions, type FunctionName } from '../../shared/topology.ts';
import { lambdaContext, loadHandler } from '../../local/lambda-runtime.ts';
import { eventually, type TestStack } from './local-stack.ts';
import { validIdNumber } from './id-numbers.ts';

export interface MemberInput {
  name: string;
  idNumber: string;
  relation: string;
  monthlyIncomeFen: number;
  disability: string;
}

/** Test person n: a valid ID number with the birth date given (YYYYMMDD). */
export const member = (n: number, overrides: Partial<MemberInput> & { born?: string } = {}): MemberInput => {
  const { born = '19800101', ...rest } = overrides;
  return {
    name: '王小婧',
    idNumber: validIdNumber(n, born),
    relation: 'HEAD',
    monthlyIncomeFen: 0,
    disability: 'NONE',
    ...rest,
  };
};

export const applicationBody = (
  type: string,
  members: MemberInput[],
  extra: { depositsFen?: number; township?: string; requestedAmountFen?: number; payee?: unknown } = {},
) => ({
  type,
  household: {
    township: extra.township ?? '真州镇',
    address: '真州镇东园村12号',
    members,
    assets: { depositsFen: extra.depositsFen ?? 100_000, vehicles: 0, properties: 1 },
  },
  reason: '家庭困难，申请救助',
  ...(extra.requestedAmountFen !== undefined && { requestedAmountFen: extra.requestedAmountFen }),
  ...(extra.payee !== undefined && { payee: extra.payee }),
});

export const payee = { bankName: '江苏银行', bankAccount: '6228480012345678' };

export async function storedApplication(id: string): Promise<ApplicationRecord> {
  const result = await documents().send(new GetCommand({ TableName: tableName('applications'), Key: { id } }));
  return result.Item as ApplicationRecord;
}

export async function storedRecipient(idNumber: string): Promise<Recipient | undefined> {
  const result = await documents().send(new GetCommand({ TableName: tableName('recipients'), Key: { idNumber } }));
  return result.Item as Recipient | undefined;
}

/** Runs a scheduled job's handler once, as `npm run job -- NAME --as-of DATE` does. */
export async function runJob(name: FunctionName, asOf?: string): Promise<any> {
  const trigger = functions[name].trigger;
  if (trigger.type !== 'schedule') throw new Error(`${name} is not a scheduled job`);
  const handler = await loadHandler(name);
  return handler({ job: trigger.job, asOf }, lambdaContext(name));
}

export interface Actors {
  caseworker: string;
  otherCaseworker: string;
  reviewer: string;
  otherReviewer: string;
  finance: string;
  hospital: string;
}

export async function actorsOf(stack: TestStack): Promise<Actors> {
  return {
    caseworker: await stack.token('caseworker', 'caseworker-1'),
    otherCaseworker: await stack.token('caseworker', 'caseworker-2'),
    reviewer: await stack.token('reviewer', 'reviewer-1'),
    otherReviewer: await stack.token('reviewer', 'reviewer-2'),
    finance: await stack.token('finance', 'finance-1'),
    hospital: await stack.token('hospital', 'his-peoples', 'H-YZ-PEOPLES'),
  };
}

/** Files and submits an application, and waits for its assessment. */
export async function fileAndAssess(stack: TestStack, actors: Actors, body: unknown): Promise<any> {
  const created = await stack.call('POST', '/applications', { token: actors.caseworker, body });
  if (created.status !== 201) throw new Error(`filing failed: ${created.status} ${created.text}`);
  const id = created.body.id as string;
  const submitted = await stack.call('POST', `/applications/${id}/submit`, { token: actors.caseworker });
  if (submitted.status !== 202) throw new Error(`submit failed: ${submitted.status} ${submitted.text}`);
  return assessed(stack, actors, id);
}

export async function assessed(stack: TestStack, actors: Actors, id: string): Promise<any> {
  return eventually(
    async () => {
      const r = await stack.call('GET', `/applications/${id}`, { token: actors.reviewer });
      return r.body?.status === 'SUBMITTED' ? undefined : r.body;
    },
    undefined,
    `assessment of ${id}`,
  );
}

export async function decide(stack: TestStack, token: string, id: string, body: unknown) {
  return stack.call('POST', `/applications/${id}/decision`, { token, body });
}
