// 住院登记与结算: the desk of a designated hospital without an information system of its own. The
// same hospital-notice routes the hospitals' systems call (contract "Hospital notices"): the
// admission check answered at the desk (POST /hospital-notices with Prefer: wait=5, polled when
// the answer takes longer), a trial settlement (POST /hospital-notices/pre-settlements), the
// discharge, a reversal of either, and the day's notices with the day's totals
// (GET /hospital-notices?date=). Notice numbers are made here (ZY/CY/CX, the date and time, and
// random letters) and kept for a retry of the same form, so a retry is the same notice.
import { Alert, Button, Form, Input, Space, Typography } from 'antd';
import { lazy, Suspense, useEffect, useId, useState } from 'react';
import { api, type Schemas } from '../../api/client.ts';
import { showProblem, type Problem } from '../../errors.ts';
import { fenOf, idNumberRule, yuan, yuanRule } from '../../format.ts';
import { Panel } from '../../Panel.tsx';
import { ProblemAlert } from '../../ProblemAlert.tsx';
import { currentSession } from '../../session.ts';
import { DecisionAlert, newNoticeNo, nowInstant, postNotice, type Notice } from './desk-notices.tsx';

// The day's list loads after the forms show: its table is most of the desk's weight.
const DayList = lazy(() => import('./DayList.tsx'));

type Settlement = Schemas['Settlement'];

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
      <Suspense fallback={<div style={{ minHeight: 120 }} aria-busy="true" />}>
        <DayList refresh={refresh} onDischarge={setAdmissionNoticeNo} />
      </Suspense>
    </Panel>
  );
}
