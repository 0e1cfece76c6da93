// What the desk's parts share: the notice texts in Chinese, new notice numbers, posting a notice
// and waiting for its answer, and the answer shown (HospitalDesk.tsx, DayList.tsx).
import { Alert } from 'antd';
import { api, type Schemas } from '../../api/client.ts';
import { showProblem, type Problem } from '../../errors.ts';
import { categoryText } from '../../zh.ts';
import { instantInChina } from '../../../../shared/domain/clock.ts';
export type Notice = Schemas['HospitalNotice'];
type Decision = NonNullable<Notice['decision']>;

export const noticeKindText: Record<Notice['kind'], string> = { ADMISSION: '入院', DISCHARGE: '出院结算', REVERSAL: '冲正' };
export const noticeStatusText: Record<Notice['status'], string> = {
  RECEIVED: '处理中',
  GUARANTEED: '先诊疗后付费（免押金）',
  NOT_ELIGIBLE: '不符合免押金条件',
  SETTLED: '已结算',
  REJECTED: '未通过',
  REVERSED: '已冲正',
  APPLIED: '冲正成功',
};

/** A new notice number: prefix, China date and time to the minute, four random letters (331,776 a minute). */
export function newNoticeNo(prefix: 'ZY' | 'CY' | 'CX'): string {
  const stamp = instantInChina(new Date().toISOString()).replace(/\D/g, '').slice(0, 12);
  const letters = Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => 'ABCDEFGHJKLMNPQRSTUVWXYZ'[b % 24]).join('');
  return `${prefix}${stamp}${letters}`;
}

/** Now as an ISO 8601 instant with China's offset (the API wants an offset; the desk records as it happens). */
export const nowInstant = () => new Date().toISOString();

type Posted = { notice: Notice } | { problem: Problem };

/** Posts a notice and waits for its decision: 200 within five seconds, else the notice is polled. */
export async function postNotice(body: Schemas['AdmissionNotice'] | Schemas['DischargeNotice'] | Schemas['ReversalNotice'], form?: Parameters<typeof showProblem>[2]): Promise<Posted> {
  const { data, error, response } = await api.POST('/hospital-notices', { params: { header: { Prefer: 'wait=5' } }, body });
  if (!data) return { problem: showProblem(error, response.status, form) };
  if (response.status === 200) return { notice: data as Notice };
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const polled = await api.GET('/hospital-notices/{id}', { params: { path: { id: data.id } } });
    if (!polled.data) return { problem: showProblem(polled.error, polled.response.status) };
    if (polled.data.status !== 'RECEIVED') return { notice: polled.data };
  }
}

/** The answer in Chinese from the status and category; the API's own words (English) beside it. */
export function DecisionAlert({ notice }: { notice: Notice }) {
  const decision: Decision | null = notice.decision;
  const good = ['GUARANTEED', 'SETTLED', 'APPLIED'].includes(notice.status);
  const title =
    notice.status === 'GUARANTEED'
      ? `${notice.noticeNo}：${decision?.category ? `${categoryText[decision.category]}对象，` : ''}可先诊疗、后付费，免交押金入院`
      : notice.status === 'NOT_ELIGIBLE'
        ? `${notice.noticeNo}：不符合免押金入院条件，请按常规办理入院`
        : notice.kind === 'REVERSAL'
          ? `${notice.noticeNo}：${notice.status === 'APPLIED' ? `已冲正 ${notice.originalNoticeNo}` : '冲正未通过'}`
          : `${notice.noticeNo}：${notice.status === 'SETTLED' ? '出院结算完成' : notice.status === 'REJECTED' ? '出院结算未通过' : noticeStatusText[notice.status]}`;
  return (
    <Alert
      type={good ? 'success' : 'warning'}
      role="status"
      title={title}
      description={decision?.reason ? <span lang="en">{decision.reason}</span> : undefined}
      style={{ margin: '12px 0' }}
    />
  );
}
