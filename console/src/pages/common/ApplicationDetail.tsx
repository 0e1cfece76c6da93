// One application: household, documents, assessment, decision, objections and history, with
// what the signed-in person may do next. Where separation of duties forbids deciding, the screen
// says why instead of offering the button (the API enforces it too: 403).
import { Alert, Button, Card, Descriptions, Form, Input, Progress, Radio, Select, Space, Spin, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, type Schemas } from '../../api/client.ts';
import { showProblem, type Problem } from '../../errors.ts';
import { chinaTime, fenOf, yuan, yuanRule } from '../../format.ts';
import { currentSession } from '../../session.ts';
import { fileProblem, putFile } from '../../upload.ts';
import {
  applicationStatusText,
  applicationTypeText,
  detailCodeText,
  disabilityText,
  documentKindText,
  enrolmentTypes,
  relationText,
  assessmentReasons,
} from '../../zh.ts';
import { ProblemAlert } from '../../ProblemAlert.tsx';

type Application = Schemas['Application'];
type HistoryEntry = Schemas['ApplicationHistoryEntry'];

function Documents({ application, reload }: { application: Application; reload: () => Promise<void> }) {
  const [kind, setKind] = useState<Application['documents'][number]['kind']>('HOUSEHOLD_REGISTER');
  const [file, setFile] = useState<File>();
  const [fileError, setFileError] = useState<string>();
  const [percent, setPercent] = useState<number>();
  const [problem, setProblem] = useState<Problem>();
  const canAdd = currentSession()?.role === 'caseworker' && ['DRAFT', 'SUBMITTED', 'UNDER_REVIEW'].includes(application.status);

  const upload = async () => {
    if (!file) return setFileError('请选择文件');
    const code = fileProblem(file);
    if (code) return setFileError(detailCodeText[code]);
    setProblem(undefined);
    const { data, error, response } = await api.POST('/applications/{id}/documents', {
      params: { path: { id: application.id } },
      body: { kind, fileName: file.name, contentType: file.type as 'application/pdf', sizeBytes: file.size },
    });
    if (!data) return setProblem(showProblem(error, response.status));
    setPercent(0);
    try {
      await putFile(data.uploadUrl, file, setPercent);
      setFile(undefined);
      await reload();
    } catch {
      setProblem({ summary: '文件上传失败，请重试', general: [] });
    } finally {
      setPercent(undefined);
    }
  };

  return (
    <Card type="inner" title="申请材料" style={{ marginTop: 16 }}>
      {application.documents.length === 0 ? (
        <Typography.Text type="secondary">尚无材料</Typography.Text>
      ) : (
        <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {application.documents.map((d) => (
            <li key={d.documentId} style={{ display: 'flex', justifyContent: 'space-between', padding: '8px 0', borderBottom: '1px solid #f0f0f0' }}>
              <a href={d.downloadUrl} target="_blank" rel="noreferrer">
                {documentKindText[d.kind]}：{d.fileName}
              </a>
              <span>
                {(d.sizeBytes / 1024).toFixed(1)} KB · {chinaTime(d.addedAt)} · {d.addedBy}
              </span>
            </li>
          ))}
        </ul>
      )}
      {canAdd && (
        <Space wrap style={{ marginTop: 12 }}>
          <Select
            aria-label="材料类型"
            value={kind}
            onChange={setKind}
            style={{ width: 140 }}
            options={(Object.entries(documentKindText) as Array<[typeof kind, string]>).map(([value, label]) => ({ value, label }))}
          />
          <label>
            选择文件（PDF、JPG、PNG，10 MB 以内）：
            <input
              type="file"
              accept="application/pdf,image/jpeg,image/png"
              onChange={(e) => {
                const chosen = e.target.files?.[0];
                setFile(chosen);
                const code = chosen ? fileProblem(chosen) : null;
                setFileError(code ? detailCodeText[code] : undefined);
              }}
            />
          </label>
          <Button onClick={() => void upload()} disabled={percent !== undefined}>
            上传材料
          </Button>
          {fileError && (
            <Typography.Text type="danger" role="alert">
              {fileError}
            </Typography.Text>
          )}
        </Space>
      )}
      {percent !== undefined && <Progress percent={percent} aria-label="上传进度" />}
      <ProblemAlert problem={problem} />
    </Card>
  );
}

function Decision({ application, onDecided }: { application: Application; onDecided: (a: Application) => void }) {
  const session = currentSession()!;
  const [form] = Form.useForm<{ decision: 'APPROVE' | 'REJECT'; reason: string; monthlyBenefitYuan?: string; grantedAmountYuan?: string }>();
  const decision = Form.useWatch('decision', form);
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  if (application.status !== 'UNDER_REVIEW') return null;
  if (session.role !== 'reviewer') {
    return <Alert type="info" title="审批由县级审核人进行" description="经办人可以补充材料；审核人不能是建立或提交此申请的人。" style={{ marginTop: 16 }} />;
  }
  if (session.sub === application.createdBy || session.sub === application.submittedBy) {
    return (
      <Alert
        type="warning"
        role="status"
        title="您不能审批此申请"
        description={`此申请由您（${session.sub}）建立或提交。按照审批职责分离的规定，建立或提交申请的人不能审批该申请，请由其他审核人审批。`}
        style={{ marginTop: 16 }}
      />
    );
  }
  const monthly = application.type === 'DIBAO' || application.type === 'TEKUN';
  const oneOff = !enrolmentTypes.includes(application.type);
  const decide = async (values: { decision: 'APPROVE' | 'REJECT'; reason: string; monthlyBenefitYuan?: string; grantedAmountYuan?: string }) => {
    setProblem(undefined);
    setBusy(true);
    const approve = values.decision === 'APPROVE';
    const { data, error, response } = await api.POST('/applications/{id}/decision', {
      params: { path: { id: application.id } },
      body: {
        decision: values.decision,
        reason: values.reason.trim(),
        ...(approve && monthly && { monthlyBenefitFen: fenOf(values.monthlyBenefitYuan) }),
        ...(approve && oneOff && fenOf(values.grantedAmountYuan) !== undefined && { grantedAmountFen: fenOf(values.grantedAmountYuan) }),
      },
    });
    setBusy(false);
    if (data) onDecided(data);
    else setProblem(showProblem(error, response.status, form));
  };
  return (
    <Card type="inner" title="审批" style={{ marginTop: 16 }}>
      <Form form={form} layout="vertical" onFinish={decide} initialValues={{ decision: 'APPROVE' }}>
        <Form.Item label="审批结果" name="decision">
          <Radio.Group
            options={[
              { value: 'APPROVE', label: '批准' },
              { value: 'REJECT', label: '不予批准' },
            ]}
          />
        </Form.Item>
        {decision !== 'REJECT' && monthly && (
          <Form.Item label="每人每月保障金（元）" name="monthlyBenefitYuan" rules={[yuanRule(true)]}>
            <Input inputMode="decimal" />
          </Form.Item>
        )}
        {decision !== 'REJECT' && oneOff && (
          <Form.Item label="救助金额（元，不填则按申请金额）" name="grantedAmountYuan" rules={[yuanRule(false)]}>
            <Input inputMode="decimal" />
          </Form.Item>
        )}
        <Form.Item label="审批意见（理由）" name="reason" rules={[{ required: true, message: detailCodeText.REQUIRED }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <ProblemAlert problem={problem} />
        <Button type="primary" htmlType="submit" loading={busy}>
          提交审批
        </Button>
      </Form>
    </Card>
  );
}

function Objection({ application, onRecorded }: { application: Application; onRecorded: (a: Application) => void }) {
  const [form] = Form.useForm<{ text: string }>();
  const [problem, setProblem] = useState<Problem>();
  if (application.status !== 'PUBLIC_NOTICE') return null;
  const record = async ({ text }: { text: string }) => {
    const { data, error, response } = await api.POST('/applications/{id}/objections', {
      params: { path: { id: application.id } },
      body: { text: text.trim() },
    });
    if (data) onRecorded(data);
    else setProblem(showProblem(error, response.status, form));
  };
  return (
    <Card type="inner" title="公示期异议" style={{ marginTop: 16 }}>
      <Form form={form} layout="vertical" onFinish={record}>
        <Form.Item label="异议内容" name="text" rules={[{ required: true, message: detailCodeText.REQUIRED }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <ProblemAlert problem={problem} />
        <Button htmlType="submit">登记异议（退回审核）</Button>
      </Form>
    </Card>
  );
}

export function ApplicationDetail() {
  const { id = '' } = useParams();
  const [application, setApplication] = useState<Application>();
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [problem, setProblem] = useState<Problem>();
  const [submitting, setSubmitting] = useState(false);
  const session = currentSession()!;

  const reload = useCallback(async () => {
    const [found, log] = await Promise.all([
      api.GET('/applications/{id}', { params: { path: { id } } }),
      api.GET('/applications/{id}/history', { params: { path: { id }, query: { limit: 500 } } }),
    ]);
    if (found.data) setApplication(found.data);
    else setProblem(showProblem(found.error, found.response.status));
    if (log.data) setHistory(log.data.items);
  }, [id]);
  useEffect(() => {
    void reload();
  }, [reload]);
  // Assessment runs from a queue: while SUBMITTED, look again until it has moved on.
  useEffect(() => {
    if (application?.status !== 'SUBMITTED') return;
    const timer = setTimeout(() => void reload(), 1000);
    return () => clearTimeout(timer);
  }, [application, reload]);

  if (!application) return problem ? <ProblemAlert problem={problem} /> : <Spin aria-label="加载中" />;

  const submit = async () => {
    setSubmitting(true);
    setProblem(undefined);
    const { error, response } = await api.POST('/applications/{id}/submit', { params: { path: { id } } });
    setSubmitting(false);
    if (response.status === 202) await reload();
    else setProblem(showProblem(error, response.status));
  };

  const a = application;
  return (
    <Card
      title={
        <h2 style={{ margin: 0, fontSize: 18 }}>
          {applicationTypeText[a.type]}申请 {a.id}
        </h2>
      }
      extra={<Tag color={a.status === 'REJECTED' ? 'red' : 'blue'}>{applicationStatusText[a.status]}</Tag>}
    >
      <Descriptions bordered size="small" column={2}>
        <Descriptions.Item label="状态">{applicationStatusText[a.status]}</Descriptions.Item>
        <Descriptions.Item label="乡镇（街道）">{a.household.township}</Descriptions.Item>
        <Descriptions.Item label="家庭住址">{a.household.address}</Descriptions.Item>
        <Descriptions.Item label="申请理由">{a.reason}</Descriptions.Item>
        <Descriptions.Item label="存款">{yuan(a.household.assets.depositsFen)}</Descriptions.Item>
        <Descriptions.Item label="机动车 / 房产">
          {a.household.assets.vehicles} 辆 / {a.household.assets.properties} 套
        </Descriptions.Item>
        <Descriptions.Item label="申请金额">{yuan(a.requestedAmountFen)}</Descriptions.Item>
        <Descriptions.Item label="收款账户">{a.payee ? `${a.payee.bankName} ${a.payee.bankAccountMasked}` : '—'}</Descriptions.Item>
        <Descriptions.Item label="建立">
          {a.createdBy} · {chinaTime(a.createdAt)}
        </Descriptions.Item>
        <Descriptions.Item label="提交">{a.submittedBy ? `${a.submittedBy} · ${chinaTime(a.submittedAt)}` : '—'}</Descriptions.Item>
        {a.noticeEndsOn && <Descriptions.Item label="公示截止">{a.noticeEndsOn}</Descriptions.Item>}
      </Descriptions>

      <Table
        style={{ marginTop: 16 }}
        size="small"
        pagination={false}
        caption="家庭成员"
        rowKey={(m) => m.idNumberMasked}
        dataSource={a.household.members}
        columns={[
          { title: '姓名', dataIndex: 'name' },
          { title: '身份证号码', dataIndex: 'idNumberMasked' },
          { title: '关系', dataIndex: 'relation', render: (r: keyof typeof relationText) => relationText[r] },
          { title: '月收入', dataIndex: 'monthlyIncomeFen', render: yuan },
          { title: '残疾', dataIndex: 'disability', render: (d: keyof typeof disabilityText) => disabilityText[d] },
        ]}
      />

      <Documents application={a} reload={reload} />

      {a.status === 'DRAFT' && session.role === 'caseworker' && (
        <Button type="primary" style={{ marginTop: 16 }} loading={submitting} onClick={() => void submit()}>
          提交申请
        </Button>
      )}
      {a.status === 'SUBMITTED' && <Alert type="info" title="已提交，正在评估……" style={{ marginTop: 16 }} />}

      {a.assessment && (
        <Card type="inner" title="评估结果" style={{ marginTop: 16 }}>
          <Descriptions size="small" column={2}>
            <Descriptions.Item label="是否符合条件">{a.assessment.eligible ? '符合' : '不符合'}</Descriptions.Item>
            <Descriptions.Item label="家庭人均月收入">{yuan(a.assessment.perCapitaIncomeFen)}</Descriptions.Item>
            <Descriptions.Item label="低保标准">{yuan(a.assessment.standardFen)}</Descriptions.Item>
            <Descriptions.Item label="评估日期">{a.assessment.assessedOn}</Descriptions.Item>
          </Descriptions>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>
            评估依据：
          </Typography.Paragraph>
          <ul aria-label="评估依据">
            {assessmentReasons(a.assessment).map((r, i) => (
              <li key={i} lang={r.lang}>
                {r.text}
              </li>
            ))}
          </ul>
        </Card>
      )}

      <Decision application={a} onDecided={(decided) => (setApplication(decided), void reload())} />

      {a.decision && (
        <Alert
          style={{ marginTop: 16 }}
          type={a.decision.decision === 'APPROVE' ? 'success' : 'warning'}
          title={`${a.decision.decision === 'APPROVE' ? '已批准' : '不予批准'}：${a.decision.reason}`}
          description={`${a.decision.decidedBy} · ${chinaTime(a.decision.decidedAt)}${
            a.decision.monthlyBenefitFen !== undefined ? ` · 每人每月 ${yuan(a.decision.monthlyBenefitFen)}` : ''
          }${a.decision.grantedAmountFen !== undefined ? ` · 救助金额 ${yuan(a.decision.grantedAmountFen)}` : ''}`}
        />
      )}
      {a.noticeDocumentUrl && (
        <Space style={{ marginTop: 16 }}>
          <Link to={`/applications/${a.id}/notice`}>
            打开公示（可打印）
          </Link>
        </Space>
      )}

      <Objection application={a} onRecorded={(updated) => (setApplication(updated), void reload())} />
      <ProblemAlert problem={problem} />

      <Card type="inner" title="办理记录" style={{ marginTop: 16 }}>
        <Table<HistoryEntry>
          size="small"
          pagination={false}
          rowKey={(h) => `${h.at}-${h.action}`}
          dataSource={history}
          columns={[
            { title: '时间', dataIndex: 'at', render: chinaTime },
            { title: '办理人', dataIndex: 'by' },
            { title: '操作', dataIndex: 'action' },
            { title: '状态', render: (_, h) => (h.to ? `${h.from ? applicationStatusText[h.from] : ''} → ${applicationStatusText[h.to]}` : '') },
            { title: '说明', dataIndex: 'reason' },
          ]}
        />
      </Card>
    </Card>
  );
}
