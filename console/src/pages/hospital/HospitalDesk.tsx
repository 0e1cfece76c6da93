// 住院登记与结算: the desk of a designated hospital without an information system of its own. The
// same hospital-notice routes the hospitals' systems call (contract "Hospital notices"): the
// admission check answered at the desk (POST /hospital-notices with Prefer: wait=5, polled when
// the answer takes longer), a trial settlement (POST /hospital-notices/pre-settlements), the
// discharge, a reversal of either, and the day's notices with the day's totals
// (GET /hospital-notices?date=). Notice numbers are made here (ZY/CY/CX, the date and time, and
// random letters) and kept for a retry of the same form, so a retry is the same notice.
import { Alert, Button, Form, Input, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useId, useState } from 'react';
import { api, type Schemas } from '../../api/client.ts';
import { showProblem, type Problem } from '../../errors.ts';
import { chinaTime, fenOf, idNumberRule, yuan, yuanRule } from '../../format.ts';
import { Panel } from '../../Panel.tsx';
import { ProblemAlert } from '../../ProblemAlert.tsx';
import { currentSession } from '../../session.ts';
import { categoryText } from '../../zh.ts';
import { dateInChina, instantInChina } from '../../../../shared/domain/clock.ts';

type Notice = Schemas['HospitalNotice'];
type Settlement = Schemas['Settlement'];
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
function newNoticeNo(prefix: 'ZY' | 'CY' | 'CX'): string {
  const stamp = instantInChina(new Date().toISOString()).replace(/\D/g, '').slice(0, 12);
  const letters = Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => 'ABCDEFGHJKLMNPQRSTUVWXYZ'[b % 24]).join('');
  return `${prefix}${stamp}${letters}`;
}

/** Now as an ISO 8601 instant with China's offset (the API wants an offset; the desk records as it happens). */
const nowInstant = () => new Date().toISOString();

type Posted = { notice: Notice } | { problem: Problem };

/** Posts a notice and waits for its decision: 200 within five seconds, else the notice is polled. */
async function postNotice(body: Schemas['AdmissionNotice'] | Schemas['DischargeNotice'] | Schemas['ReversalNotice'], form?: Parameters<typeof showProblem>[2]): Promise<Posted> {
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
function DecisionAlert({ notice }: { notice: Notice }) {
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

const cell = { border: '1px solid #f0f0f0', padding: '6px 12px', textAlign: 'left' as const };

/** A settlement's split (a plain table: the desk stays within the landing budget, bench/console-size.ts). */
function SettlementFigures({ settlement, title }: { settlement: Settlement; title: string }) {
  const rows: Array<[string, string]> = [
    ['个人自付（总费用减医保、大病保险）', yuan(settlement.outOfPocketFen)],
    ['医疗救助支付', yuan(settlement.medicalAssistanceFen)],
    ['患者应付', yuan(settlement.patientPaysFen)],
    ['本年度已用 / 年度封顶', `${yuan(settlement.annualUsedFen)} / ${yuan(settlement.annualCapFen)}`],
  ];
  return (
    <table style={{ borderCollapse: 'collapse', margin: '12px 0', minWidth: 480 }}>
      <caption style={{ textAlign: 'left', fontWeight: 600, paddingBottom: 8 }}>{title}</caption>
      <tbody>
        {rows.map(([label, value]) => (
          <tr key={label}>
            <th scope="row" style={{ ...cell, background: '#fafafa', fontWeight: 400 }}>
              {label}
            </th>
            <td style={cell}>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface AdmissionValues {
  noticeNo: string;
  name: string;
  idNumber: string;
  diagnosis?: string;
}

function Admission({ onAdmitted }: { onAdmitted: (notice: Notice) => void }) {
  const [form] = Form.useForm<AdmissionValues>();
  const [answer, setAnswer] = useState<Notice>();
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const headingId = useId();
  const submit = async (values: AdmissionValues) => {
    setBusy(true);
    setProblem(undefined);
    setAnswer(undefined);
    const posted = await postNotice(
      {
        noticeNo: values.noticeNo.trim(),
        kind: 'ADMISSION',
        patient: { name: values.name.trim(), idNumber: values.idNumber.trim().toUpperCase() },
        admittedAt: nowInstant(),
        ...(values.diagnosis?.trim() && { diagnosis: values.diagnosis.trim() }),
      },
      form,
    );
    setBusy(false);
    if ('problem' in posted) return setProblem(posted.problem);
    setAnswer(posted.notice);
    form.resetFields();
    form.setFieldValue('noticeNo', newNoticeNo('ZY'));
    onAdmitted(posted.notice);
  };
  return (
    <section aria-labelledby={headingId}>
      <Typography.Title level={2} id={headingId} style={{ fontSize: 16 }}>
        入院登记（先诊疗、后付费资格核验）
      </Typography.Title>
      <Form form={form} name="admission" layout="vertical" onFinish={submit} initialValues={{ noticeNo: newNoticeNo('ZY') }} style={{ maxWidth: 480 }}>
        <Form.Item label="入院单号" name="noticeNo" rules={[{ required: true, pattern: /^[A-Za-z0-9_-]{1,64}$/, message: '单号只能含字母、数字、- 或 _，最多 64 个' }]}>
          <Input />
        </Form.Item>
        <Form.Item label="患者姓名" name="name" rules={[{ required: true, whitespace: true, message: '请输入患者姓名' }]}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item
          label="身份证号码"
          name="idNumber"
          rules={[idNumberRule]}
        >
          <Input maxLength={18} />
        </Form.Item>
        <Form.Item label="诊断（可不填）" name="diagnosis">
          <Input maxLength={500} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          核验并登记入院
        </Button>
      </Form>
      <ProblemAlert problem={problem} />
      {answer && <DecisionAlert notice={answer} />}
    </section>
  );
}

interface DischargeValues {
  admissionNoticeNo: string;
  noticeNo: string;
  totalCostYuan: string;
  insurancePaidYuan: string;
  criticalIllnessPaidYuan: string;
  nonCoveredYuan: string;
}

function Discharge({ admissionNoticeNo, onSettled }: { admissionNoticeNo?: string; onSettled: () => void }) {
  const [form] = Form.useForm<DischargeValues>();
  const [trial, setTrial] = useState<Schemas['PreSettlement']>();
  const [answer, setAnswer] = useState<Notice>();
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState<'trial' | 'settle'>();
  const headingId = useId();
  useEffect(() => {
    if (admissionNoticeNo) form.setFieldValue('admissionNoticeNo', admissionNoticeNo);
  }, [admissionNoticeNo, form]);
  const amounts = (v: DischargeValues) => ({
    admissionNoticeNo: v.admissionNoticeNo.trim(),
    dischargedAt: nowInstant(),
    totalCostFen: fenOf(v.totalCostYuan)!,
    insurancePaidFen: fenOf(v.insurancePaidYuan)!,
    criticalIllnessPaidFen: fenOf(v.criticalIllnessPaidYuan)!,
    nonCoveredFen: fenOf(v.nonCoveredYuan)!,
  });
  const preSettle = async () => {
    const values = await form.validateFields().catch(() => undefined);
    if (!values) return;
    setBusy('trial');
    setProblem(undefined);
    setAnswer(undefined);
    const { data, error, response } = await api.POST('/hospital-notices/pre-settlements', { body: amounts(values) });
    setBusy(undefined);
    if (!data) return setProblem(showProblem(error, response.status, form));
    setTrial(data);
  };
  const settle = async (values: DischargeValues) => {
    setBusy('settle');
    setProblem(undefined);
    const posted = await postNotice({ noticeNo: values.noticeNo.trim(), kind: 'DISCHARGE', ...amounts(values) }, form);
    setBusy(undefined);
    if ('problem' in posted) return setProblem(posted.problem);
    setAnswer(posted.notice);
    setTrial(undefined);
    form.resetFields();
    form.setFieldValue('noticeNo', newNoticeNo('CY'));
    onSettled();
  };
  const money = (name: keyof DischargeValues, label: string) => (
    <Form.Item label={label} name={name} rules={[{ required: true, message: '请输入金额' }, yuanRule(true)]}>
      <Input inputMode="decimal" />
    </Form.Item>
  );
  return (
    <section aria-labelledby={headingId} style={{ marginTop: 24 }}>
      <Typography.Title level={2} id={headingId} style={{ fontSize: 16 }}>
        出院结算
      </Typography.Title>
      <Form form={form} name="discharge" layout="vertical" onFinish={settle} initialValues={{ noticeNo: newNoticeNo('CY') }} style={{ maxWidth: 480 }}>
        <Form.Item label="入院单号" name="admissionNoticeNo" rules={[{ required: true, message: '请输入入院单号' }]}>
          <Input />
        </Form.Item>
        <Form.Item label="出院单号" name="noticeNo" rules={[{ required: true, pattern: /^[A-Za-z0-9_-]{1,64}$/, message: '单号只能含字母、数字、- 或 _，最多 64 个' }]}>
          <Input />
        </Form.Item>
        {money('totalCostYuan', '住院总费用（元）')}
        {money('insurancePaidYuan', '基本医保支付（元）')}
        {money('criticalIllnessPaidYuan', '大病保险支付（元）')}
        {money('nonCoveredYuan', '目录外费用（元）')}
        <Space>
          <Button onClick={() => void preSettle()} loading={busy === 'trial'}>
            预结算
          </Button>
          <Button type="primary" htmlType="submit" loading={busy === 'settle'}>
            确认出院结算
          </Button>
        </Space>
      </Form>
      <ProblemAlert problem={problem} />
      {trial && !trial.settlement && (
        <Alert type="warning" role="status" title="预结算：此次出院不能结算" description={<span lang="en">{trial.decision.reason}</span>} style={{ margin: '12px 0' }} />
      )}
      {trial?.settlement && <SettlementFigures settlement={trial.settlement} title="预结算（未保存，不计入统计）" />}
      {answer && <DecisionAlert notice={answer} />}
      {answer?.settlement && <SettlementFigures settlement={answer.settlement} title={`出院结算 ${answer.noticeNo}`} />}
    </section>
  );
}

/**
 * Which notices a reversal can undo (contract "Hospital notices v1.1"): a settled discharge, an
 * admission not reversed whose discharge (in the day's list) is not settled; the API decides again.
 */
const reversible = (n: Notice, settledAdmissions: Set<string>) =>
  (n.kind === 'ADMISSION' && ['GUARANTEED', 'NOT_ELIGIBLE'].includes(n.status) && !settledAdmissions.has(n.noticeNo)) || (n.kind === 'DISCHARGE' && n.status === 'SETTLED');

function DayList({ refresh, onDischarge }: { refresh: number; onDischarge: (admissionNoticeNo: string) => void }) {
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

export function HospitalDesk() {
  const hospitalId = currentSession()?.hospitalId;
  const [hospitalName, setHospitalName] = useState<string>();
  const [refresh, setRefresh] = useState(0);
  const [admissionNoticeNo, setAdmissionNoticeNo] = useState<string>();
  useEffect(() => {
    void api.GET('/hospitals').then(({ data }) => setHospitalName(data?.items.find((h) => h.hospitalId === hospitalId)?.name));
  }, [hospitalId]);
  return (
    <Panel title={`住院登记与结算${hospitalName ? `（${hospitalName}）` : ''}`}>
      <Admission
        onAdmitted={(notice) => {
          if (notice.status === 'GUARANTEED') setAdmissionNoticeNo(notice.noticeNo);
          setRefresh((n) => n + 1);
        }}
      />
      <Discharge admissionNoticeNo={admissionNoticeNo} onSettled={() => setRefresh((n) => n + 1)} />
      <DayList refresh={refresh} onDischarge={setAdmissionNoticeNo} />
    </Panel>
  );
}
