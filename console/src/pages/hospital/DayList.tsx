// 今日单据: the day's notices with the day's totals, and a reversal of a settled discharge or an open
// admission. Loaded after the desk's forms show (React.lazy): the table is most of its weight and
// the desk's first task is the admission check (bench/console-size.ts).
import { Button, Form, Input, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useId, useState } from 'react';
import { api, type Schemas } from '../../api/client.ts';
import { showProblem, type Problem } from '../../errors.ts';
import { chinaTime, yuan } from '../../format.ts';
import { ProblemAlert } from '../../ProblemAlert.tsx';
import { dateInChina } from '../../../../shared/domain/clock.ts';
import { DecisionAlert, newNoticeNo, noticeKindText, noticeStatusText, postNotice, type Notice } from './desk-notices.tsx';
/**
 * Which notices a reversal can undo (contract "Hospital notices v1.1"): a settled discharge, an
 * admission not reversed whose discharge (in the day's list) is not settled; the API decides again.
 */
const reversible = (n: Notice, settledAdmissions: Set<string>) =>
  (n.kind === 'ADMISSION' && ['GUARANTEED', 'NOT_ELIGIBLE'].includes(n.status) && !settledAdmissions.has(n.noticeNo)) || (n.kind === 'DISCHARGE' && n.status === 'SETTLED');

export default function DayList({ refresh, onDischarge }: { refresh: number; onDischarge: (admissionNoticeNo: string) => void }) {
  const date = dateInChina(new Date());
  const [day, setDay] = useState<{ items: Notice[]; totals: Schemas['HospitalDailyTotals']; nextToken: string | null }>();
  const [problem, setProblem] = useState<Problem>();
  const [reversing, setReversing] = useState<Notice>();
  const [reversalNo, setReversalNo] = useState('');
  const [reversal, setReversal] = useState<Notice>();
  const [busy, setBusy] = useState(false);
  const headingId = useId();
  const settledAdmissions = new Set((day?.items ?? []).filter((n) => n.kind === 'DISCHARGE' && n.status === 'SETTLED').map((n) => n.admissionNoticeNo ?? ''));
  const load = useCallback(
    async (nextToken?: string) => {
      const { data, error, response } = await api.GET('/hospital-notices', { params: { query: { date, limit: 100, ...(nextToken && { nextToken }) } } });
      if (!data) return setProblem(showProblem(error, response.status));
      setProblem(undefined);
      setDay((before) => ({ items: nextToken && before ? [...before.items, ...data.items] : data.items, totals: data.totals, nextToken: data.nextToken }));
    },
    [date],
  );
  useEffect(() => {
    void load();
  }, [load, refresh]);
  const reverse = async () => {
    if (!reversing) return;
    setBusy(true);
    const posted = await postNotice({ noticeNo: reversalNo.trim(), kind: 'REVERSAL', originalNoticeNo: reversing.noticeNo });
    setBusy(false);
    if ('problem' in posted) return setProblem(posted.problem);
    setReversal(posted.notice);
    setReversing(undefined);
    await load();
  };
  return (
    <section aria-labelledby={headingId} style={{ marginTop: 24 }}>
      <Typography.Title level={2} id={headingId} style={{ fontSize: 16 }}>
        今日单据（{date}）
      </Typography.Title>
      {day && (
        <Typography.Paragraph>
          今日结算 {day.totals.settled} 笔，冲正 {day.totals.reversed} 笔，医疗救助垫付净额 {yuan(day.totals.medicalAssistanceFen)}
        </Typography.Paragraph>
      )}
      <ProblemAlert problem={problem} />
      {reversal && <DecisionAlert notice={reversal} />}
      {reversing && (
        <section aria-label="冲正" style={{ border: '1px solid #f0f0f0', padding: 16, margin: '12px 0', maxWidth: 480 }}>
          <Typography.Paragraph>
            冲正{noticeKindText[reversing.kind]}单 {reversing.noticeNo}
            {reversing.patient ? `（${reversing.patient.name}）` : ''}：
            {reversing.kind === 'DISCHARGE' ? '结算作废，医疗救助金额退回年度额度，可重新出院结算。' : '此次住院关闭。'}
          </Typography.Paragraph>
          <Form name="reversal" layout="vertical">
            <Form.Item label="冲正单号" htmlFor="reversal-notice-no">
              <Input id="reversal-notice-no" value={reversalNo} onChange={(e) => setReversalNo(e.target.value)} />
            </Form.Item>
          </Form>
          <Space>
            <Button danger type="primary" loading={busy} onClick={() => void reverse()}>
              确认冲正
            </Button>
            <Button onClick={() => setReversing(undefined)}>取消</Button>
          </Space>
        </section>
      )}
      <Table<Notice>
        rowKey="id"
        size="small"
        pagination={false}
        caption="今日单据（按收到时间）"
        dataSource={day?.items ?? []}
        loading={!day && !problem}
        columns={[
          { title: '单号', dataIndex: 'noticeNo' },
          { title: '类型', dataIndex: 'kind', render: (k: Notice['kind']) => noticeKindText[k] },
          { title: '患者', render: (_, n) => (n.patient ? `${n.patient.name}（${n.patient.idNumberMasked}）` : (n.admissionNoticeNo ?? n.originalNoticeNo ?? '—')) },
          { title: '状态', dataIndex: 'status', render: (s: Notice['status']) => <Tag>{noticeStatusText[s]}</Tag> },
          { title: '医疗救助', render: (_, n) => yuan(n.settlement?.medicalAssistanceFen ?? n.reversedAssistanceFen) },
          { title: '收到时间', dataIndex: 'receivedAt', render: chinaTime },
          {
            title: '操作',
            render: (_, n) => (
              <Space>
                {n.kind === 'ADMISSION' && n.status !== 'REVERSED' && !settledAdmissions.has(n.noticeNo) && (
                  <Button size="small" onClick={() => onDischarge(n.noticeNo)}>
                    出院结算
                  </Button>
                )}
                {reversible(n, settledAdmissions) && (
                  <Button
                    size="small"
                    danger
                    onClick={() => {
                      setReversal(undefined);
                      setReversalNo(newNoticeNo('CX'));
                      setReversing(n);
                    }}
                  >
                    冲正 {n.noticeNo}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      {day?.nextToken && (
        <Button style={{ marginTop: 16 }} onClick={() => void load(day.nextToken!)}>
          加载更多
        </Button>
      )}
    </section>
  );
}
