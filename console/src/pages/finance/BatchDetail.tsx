// One payout batch: its plan (count, total, who was left out and why) before approval; approval by
// a second officer (the maker, or whoever asked for a retry, is told why they may not instead of
// being offered the button; the API enforces it: 403); a progress bar from the batch's real
// counters while paying; the bank files; the bank's status report uploaded; reconciliation with
// the returns and their reasons; and the recovery actions the API offers, each asking its reason.
import { Alert, Button, Descriptions, Form, Progress, Select, Space, Spin, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, type Schemas } from '../../api/client.ts';
import { saveBlob } from '../../download.ts';
import { showProblem, type Problem } from '../../errors.ts';
import { chinaTime, yuan } from '../../format.ts';
import { Panel } from '../../Panel.tsx';
import { currentSession } from '../../session.ts';
import { categoryText } from '../../zh.ts';
import { bankReportContentType } from './bank-report.ts';
import {
  batchStatusText,
  historyActionText,
  paymentStatusText,
  programText,
  returnNextText,
  returnReasonText,
  skippedText,
} from './finance-zh.ts';
import { ProblemAlert } from '../../ProblemAlert.tsx';
import { ReasonAction } from './ReasonAction.tsx';

type Batch = Schemas['PayoutBatch'];
type Payment = Schemas['PayoutPayment'];
type Report = Schemas['BankReport'];

const working: ReadonlyArray<Batch['status']> = ['PLANNING', 'PAYING'];

/** Why the signed-in officer may not approve or reject this batch (maker–checker), or null. */
function whyNotChecker(batch: Batch, sub: string): string | null {
  if (batch.createdBy === sub) {
    return `此批次由您（${sub}）创建。按照支付“经办—复核”分离的规定，创建批次的人不能复核审批或驳回，请由另一名财务人员复核。`;
  }
  if (batch.retriedBy === sub) {
    return `此批次的重做由您（${sub}）申请。按照支付“经办—复核”分离的规定，申请重做的人不能复核审批或驳回，请由另一名财务人员复核。`;
  }
  return null;
}

function Plan({ batch }: { batch: Batch }) {
  if (batch.status === 'PLANNING') return <Alert type="info" title="正在生成名单……" description="名单生成后显示人数、金额和未列入的人员。" style={{ marginTop: 16 }} />;
  if (!batch.planned) return null;
  const skipped = batch.skipped ? (Object.entries(batch.skipped) as Array<[keyof typeof skippedText, number | undefined]>).filter(([, n]) => n) : [];
  return (
    <section aria-label="支付名单" style={{ marginTop: 16 }}>
      <Descriptions bordered size="small" column={3} title="支付名单">
        <Descriptions.Item label="人数（笔数）">{batch.planned.count}</Descriptions.Item>
        <Descriptions.Item label="合计金额">{yuan(batch.planned.totalFen)}</Descriptions.Item>
        <Descriptions.Item label="未列入">
          {skipped.length === 0 ? '无' : skipped.map(([why, n]) => <div key={why}>{`${skippedText[why]}：${n} 人`}</div>)}
        </Descriptions.Item>
      </Descriptions>
    </section>
  );
}

function Approval({ batch, reload }: { batch: Batch; reload: () => Promise<void> }) {
  const session = currentSession()!;
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  if (batch.status !== 'PENDING_APPROVAL') return null;
  const why = whyNotChecker(batch, session.sub);
  if (why) {
    return <Alert type="warning" role="status" title="您不能复核审批此批次" description={why} style={{ marginTop: 16 }} />;
  }
  const approve = async () => {
    setBusy(true);
    setProblem(undefined);
    const { error, response } = await api.POST('/payout-batches/{id}/approve', { params: { path: { id: batch.id } } });
    setBusy(false);
    if (response.status === 202) await reload();
    else setProblem(showProblem(error, response.status));
  };
  return (
    <section aria-label="复核审批" style={{ marginTop: 16 }}>
      <Space wrap align="start">
        <Button type="primary" loading={busy} onClick={() => void approve()}>
          复核通过，开始支付
        </Button>
        <ReasonAction
          label="驳回"
          reasonLabel="驳回理由"
          confirmLabel="确认驳回"
          danger
          onConfirm={async ({ reason }) => {
            const { error, response } = await api.POST('/payout-batches/{id}/reject', { params: { path: { id: batch.id } }, body: { reason } });
            if (response.ok) return void (await reload());
            return showProblem(error, response.status);
          }}
        />
      </Space>
      <ProblemAlert problem={problem} />
    </section>
  );
}

function Paying({ batch }: { batch: Batch }) {
  if (!batch.planned || !['PAYING', 'PAID_OUT', 'RECONCILED', 'FAILED'].includes(batch.status)) return null;
  const { recorded, failed } = batch.progress;
  const percent = batch.planned.count === 0 ? 100 : Math.floor((recorded / batch.planned.count) * 100);
  return (
    <section aria-label="支付进度" style={{ marginTop: 16 }}>
      <Typography.Text>
        已记账 {recorded} / {batch.planned.count} 笔{failed ? `，失败 ${failed} 笔` : ''}
        {batch.status === 'PAYING' && recorded === batch.planned.count ? '，正在生成银行文件……' : ''}
      </Typography.Text>
      <Progress percent={percent} status={batch.status === 'FAILED' ? 'exception' : batch.status === 'PAYING' ? 'active' : 'success'} aria-label="支付进度" />
    </section>
  );
}

type FilePart = NonNullable<Batch['fileParts']>[number];

/** Every part of the batch's bank files; a batch paid out before parts existed has its one pair in `files`. */
function fileParts(batch: Batch): FilePart[] {
  if (batch.fileParts) return batch.fileParts;
  if (!batch.files || !batch.planned) return [];
  return [{ part: 1, messageId: batch.id, count: batch.planned.count, totalFen: batch.planned.totalFen, ...batch.files }];
}

function Files({ batch }: { batch: Batch }) {
  const [problem, setProblem] = useState<Problem>();
  const parts = fileParts(batch);
  if (parts.length === 0) return null;
  const download = async (url: string, fileName: string) => {
    setProblem(undefined);
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(String(response.status));
      saveBlob(await response.blob(), fileName);
    } catch {
      // The link lasts 15 minutes: a stale page gets a fresh one from the batch.
      setProblem({ summary: '下载失败：链接可能已过期，请刷新页面后重试', general: [] });
    }
  };
  if (parts.length === 1) {
    const [only] = parts as [FilePart];
    return (
      <section aria-label="银行文件" style={{ marginTop: 16 }}>
        <Space wrap>
          <Button onClick={() => void download(only.csvUrl, `${batch.id}.csv`)}>下载支付清单（CSV）</Button>
          <Button onClick={() => void download(only.pain001Url, `${batch.id}.pain001.xml`)}>下载银行报文（pain.001）</Button>
        </Space>
        <ProblemAlert problem={problem} />
      </section>
    );
  }
  // Above the bank's per-file limit: every part must go to the bank, each is a whole file of its own.
  return (
    <section aria-label="银行文件" style={{ marginTop: 16 }}>
      <Alert
        type="info"
        showIcon
        title={`本批次超过银行单个文件的笔数上限，分为 ${parts.length} 个文件，每个文件都须发送给银行`}
        description={`合计 ${parts.reduce((sum, p) => sum + p.count, 0)} 笔，${yuan(parts.reduce((sum, p) => sum + p.totalFen, 0))}`}
      />
      <Table<FilePart>
        style={{ marginTop: 8 }}
        size="small"
        rowKey="part"
        pagination={false}
        dataSource={parts}
        aria-label="银行文件分包"
        columns={[
          { title: '文件', key: 'part', render: (_, p) => `第 ${p.part} / ${parts.length} 个` },
          { title: '报文标识（MsgId）', dataIndex: 'messageId', render: (id: string) => <span lang="en">{id}</span> },
          { title: '笔数', dataIndex: 'count' },
          { title: '金额', dataIndex: 'totalFen', render: (fen: number) => yuan(fen) },
          {
            title: '下载',
            key: 'download',
            render: (_, p) => (
              <Space wrap>
                <Button size="small" aria-label={`下载第 ${p.part} 个支付清单（CSV）`} onClick={() => void download(p.csvUrl, `${p.messageId}.csv`)}>
                  支付清单（CSV）
                </Button>
                <Button size="small" aria-label={`下载第 ${p.part} 个银行报文（pain.001）`} onClick={() => void download(p.pain001Url, `${p.messageId}.pain001.xml`)}>
                  银行报文（pain.001）
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <ProblemAlert problem={problem} />
    </section>
  );
}

function BankReport({ batch, reload }: { batch: Batch; reload: () => Promise<void> }) {
  const [file, setFile] = useState<File>();
  const [report, setReport] = useState<Report>();
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const reportId = report?.reportId;
  const applying = report?.status === 'APPLYING';
  useEffect(() => {
    if (!reportId || !applying) return;
    const timer = setTimeout(async () => {
      const { data, error, response } = await api.GET('/payout-batches/{id}/bank-results/{reportId}', { params: { path: { id: batch.id, reportId } } });
      if (data) {
        setReport(data);
        if (data.status !== 'APPLYING') await reload();
      } else setProblem(showProblem(error, response.status));
    }, 1000);
    return () => clearTimeout(timer);
  }, [batch.id, reportId, applying, report, reload]);
  if (batch.status !== 'PAID_OUT' && batch.status !== 'RECONCILED') return null;

  const upload = async () => {
    if (!file) return setProblem({ summary: '请选择银行回执文件', general: [] });
    setBusy(true);
    setProblem(undefined);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const { data, error, response } = await api.POST('/payout-batches/{id}/bank-results', {
      params: { path: { id: batch.id } },
      body: bytes,
      headers: { 'content-type': bankReportContentType(bytes) },
      bodySerializer: (body: Uint8Array) => body,
    } as never);
    setBusy(false);
    if (data) setReport({ ...(data as { reportId: string }), status: 'APPLYING' } as Report);
    else setProblem(showProblem(error, response.status));
  };

  return (
    <section aria-label="银行回执" style={{ marginTop: 16 }}>
      <Typography.Title level={3} style={{ fontSize: 16 }}>
        银行回执
      </Typography.Title>
      <Space wrap>
        <label>
          选择银行回执文件（pain.002 XML 或 CSV：endToEndId,status,reason）：
          <input type="file" accept=".xml,.csv,.txt,text/csv,application/xml,text/xml" onChange={(e) => (setFile(e.target.files?.[0]), setReport(undefined))} />
        </label>
        <Button onClick={() => void upload()} loading={busy || applying}>
          上传银行回执
        </Button>
      </Space>
      <ProblemAlert problem={problem} />
      {report && report.status === 'APPLYING' && <Alert type="info" title="回执已收到，正在逐笔核对……" style={{ marginTop: 12 }} />}
      {report && report.status !== 'APPLYING' && (
        <Descriptions bordered size="small" column={3} style={{ marginTop: 12 }} title="回执处理结果">
          <Descriptions.Item label="格式">{report.format === 'csv' ? 'CSV' : 'pain.002'}{report.encoding ? `（${report.encoding}）` : ''}</Descriptions.Item>
          <Descriptions.Item label="条目">{report.entries}</Descriptions.Item>
          <Descriptions.Item label="本次入账 / 退回">{`${report.settled ?? 0} / ${report.returned ?? 0}`}</Descriptions.Item>
          <Descriptions.Item label="此前已处理">{report.alreadyApplied ?? 0}</Descriptions.Item>
          <Descriptions.Item label="本批次没有的编号" span={2}>
            {report.unknownCount ? `${report.unknownCount} 条：${report.unknownEndToEndIds.slice(0, 20).join('、')}` : '无'}
          </Descriptions.Item>
          {report.problems.length > 0 && (
            <Descriptions.Item label="问题" span={3}>
              {report.problems.map((p) => (
                <div key={`${p.where}${p.message}`} lang="en">{`${p.where}: ${p.message}`}</div>
              ))}
            </Descriptions.Item>
          )}
        </Descriptions>
      )}
      {report?.wholeFileRejection && !report.returnAll && batch.status === 'PAID_OUT' && (
        <Alert
          type="warning"
          style={{ marginTop: 12 }}
          title={
            (batch.fileParts?.length ?? 1) > 1
              ? `银行拒绝了整个支付文件（本批次分为 ${batch.fileParts!.length} 个文件：只退回回执所指文件中的付款）`
              : '银行拒绝了整个支付文件'
          }
          description={
            <ReasonAction
              label="按整批退回处理"
              reasonLabel="整批退回理由"
              confirmLabel="确认整批退回"
              danger
              onConfirm={async ({ reason }) => {
                const { error, response } = await api.POST('/payout-batches/{id}/bank-results/{reportId}/return-all', {
                  params: { path: { id: batch.id, reportId: report.reportId } },
                  body: { reason },
                });
                if (!response.ok) return showProblem(error, response.status);
                setReport({ ...report, status: 'APPLYING', returnAll: { at: '', by: '', reason } });
              }}
            />
          }
        />
      )}
    </section>
  );
}

function Reconciliation({ batch }: { batch: Batch }) {
  const [returns, setReturns] = useState<Payment[]>([]);
  const [status, setStatus] = useState<Payment['status']>();
  const [payments, setPayments] = useState<Payment[]>([]);
  const reconciliation = batch.reconciliation;
  const settled = reconciliation?.settled;
  const returned = reconciliation?.returned;
  useEffect(() => {
    if (returned === undefined) return;
    void (async () => {
      const { data } = await api.GET('/payout-batches/{id}/payments', { params: { path: { id: batch.id }, query: { status: 'RETURNED', limit: 500 } } });
      if (data) setReturns(data.items);
    })();
  }, [batch.id, returned]);
  useEffect(() => {
    if (!batch.planned) return;
    void (async () => {
      const { data } = await api.GET('/payout-batches/{id}/payments', { params: { path: { id: batch.id }, query: { limit: 500, ...(status && { status }) } } });
      if (data) setPayments(data.items);
    })();
  }, [batch.id, batch.planned, batch.status, status, settled, returned]);
  if (!reconciliation) return null;
  return (
    <section aria-label="对账" style={{ marginTop: 16 }}>
      <Descriptions bordered size="small" column={3} title="对账">
        <Descriptions.Item label="已入账">{reconciliation.settled} 笔</Descriptions.Item>
        <Descriptions.Item label="被退回">{reconciliation.returned} 笔</Descriptions.Item>
        <Descriptions.Item label="待银行回执">{reconciliation.pending} 笔</Descriptions.Item>
      </Descriptions>
      {returns.length === 0 ? (
        <Typography.Paragraph style={{ marginTop: 16 }}>没有被退回的付款。</Typography.Paragraph>
      ) : (
        <Table<Payment>
          style={{ marginTop: 16 }}
          size="small"
          rowKey="endToEndId"
          pagination={false}
          caption="被退回的收款人（可列入同一项目、同一所属期的下一批次）"
          dataSource={returns}
          columns={[
            { title: '收款人', dataIndex: 'name' },
            { title: '开户行', dataIndex: 'bankName' },
            { title: '账号', dataIndex: 'bankAccountMasked' },
            { title: '金额', dataIndex: 'amountFen', render: yuan },
            { title: '退回原因', dataIndex: 'returnReason', render: returnReasonText },
            { title: '退回时间', dataIndex: 'returnedAt', render: chinaTime },
            {
              title: '下一批',
              render: (_, r) =>
                r.next?.state === 'PLANNED_AGAIN' ? (
                  <Link to={`/payouts/${r.next.batchId}`}>{returnNextText.PLANNED_AGAIN}</Link>
                ) : (
                  <Tag>{returnNextText.READY}</Tag>
                ),
            },
          ]}
        />
      )}
      <Form layout="inline" style={{ marginTop: 16 }}>
        <Form.Item label="付款状态">
          <Select
            allowClear
            aria-label="付款状态"
            style={{ width: 180 }}
            value={status}
            onChange={setStatus}
            options={(Object.entries(paymentStatusText) as Array<[Payment['status'], string]>).map(([value, label]) => ({ value, label }))}
          />
        </Form.Item>
      </Form>
      {payments.length > 0 && (
        <Table<Payment>
          style={{ marginTop: 8 }}
          size="small"
          rowKey="endToEndId"
          caption="逐笔付款（前 500 笔）"
          dataSource={payments}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            { title: '端到端编号', dataIndex: 'endToEndId' },
            { title: '金额', dataIndex: 'amountFen', render: yuan },
            { title: '状态', dataIndex: 'status', render: (s: Payment['status']) => paymentStatusText[s] },
            { title: '退回原因', dataIndex: 'returnReason', render: (r?: string) => (r ? returnReasonText(r) : '') },
          ]}
        />
      )}
    </section>
  );
}

function Recovery({ batch, reload }: { batch: Batch; reload: () => Promise<void> }) {
  const [payments, setPayments] = useState<Payment[]>([]);
  const failedAfterApproval = batch.status === 'FAILED' && Boolean(batch.approvedBy);
  useEffect(() => {
    if (!failedAfterApproval) return;
    void (async () => {
      const { data } = await api.GET('/payout-batches/{id}/payments', { params: { path: { id: batch.id }, query: { limit: 500 } } });
      if (data) setPayments(data.items);
    })();
  }, [batch.id, failedAfterApproval]);
  const cancellable = ['PENDING_APPROVAL', 'PAYING', 'FAILED'].includes(batch.status);
  if (!cancellable) return null;
  const act = (action: 'cancel' | 'retry') => async (values: { reason: string; excludeEndToEndIds?: unknown }) => {
    const excluded = Array.isArray(values.excludeEndToEndIds) && values.excludeEndToEndIds.length ? (values.excludeEndToEndIds as string[]) : undefined;
    const { error, response } =
      action === 'cancel'
        ? await api.POST('/payout-batches/{id}/cancel', { params: { path: { id: batch.id } }, body: { reason: values.reason } })
        : await api.POST('/payout-batches/{id}/retry', { params: { path: { id: batch.id } }, body: { reason: values.reason, ...(excluded && { excludeEndToEndIds: excluded }) } });
    if (response.ok) return void (await reload());
    return showProblem(error, response.status);
  };
  return (
    <section aria-label="异常处理" style={{ marginTop: 16 }}>
      <Typography.Title level={3} style={{ fontSize: 16 }}>
        异常处理
      </Typography.Title>
      <Space wrap align="start" style={{ width: '100%' }}>
        {batch.status === 'FAILED' && (
          <ReasonAction label="重做失败的步骤" reasonLabel="重做理由" confirmLabel="确认重做（之后须重新复核）" onConfirm={act('retry')}>
            {failedAfterApproval && (
              <Form.Item label="剔除的付款（可不选；剔除后其名额释放，可列入下一批）" name="excludeEndToEndIds">
                <Select
                  mode="multiple"
                  allowClear
                  optionFilterProp="label"
                  options={payments.map((p) => ({ value: p.endToEndId, label: `${p.endToEndId} · ${yuan(p.amountFen)}` }))}
                />
              </Form.Item>
            )}
          </ReasonAction>
        )}
        <ReasonAction label="作废批次" reasonLabel="作废理由" confirmLabel="确认作废（银行文件尚未发出）" danger onConfirm={act('cancel')} />
      </Space>
    </section>
  );
}

export function BatchDetail() {
  const { id = '' } = useParams();
  const [batch, setBatch] = useState<Batch>();
  const [problem, setProblem] = useState<Problem>();

  const reload = useCallback(async () => {
    const { data, error, response } = await api.GET('/payout-batches/{id}', { params: { path: { id } } });
    if (data) setBatch(data);
    else setProblem(showProblem(error, response.status));
  }, [id]);
  useEffect(() => {
    void reload();
  }, [reload]);
  // Planning and paying run in the background: look again until the batch has moved on.
  useEffect(() => {
    if (!batch || !working.includes(batch.status)) return;
    const timer = setTimeout(() => void reload(), 1000);
    return () => clearTimeout(timer);
  }, [batch, reload]);

  if (!batch) return problem ? <ProblemAlert problem={problem} /> : <Spin aria-label="加载中" />;
  const b = batch;
  return (
    <Panel title={`支付批次：${b.title}`} extra={<Tag>{batchStatusText[b.status]}</Tag>}>
      <Descriptions bordered size="small" column={2}>
        <Descriptions.Item label="批次编号">{b.id}</Descriptions.Item>
        <Descriptions.Item label="状态">{batchStatusText[b.status]}</Descriptions.Item>
        <Descriptions.Item label="项目">{programText[b.program]}</Descriptions.Item>
        <Descriptions.Item label="所属期">{b.period}</Descriptions.Item>
        <Descriptions.Item label="救助类别">{b.categories.length ? b.categories.map((c) => categoryText[c]).join('、') : '—'}</Descriptions.Item>
        <Descriptions.Item label="每人金额">{b.perPersonFen === null ? '按各自金额' : yuan(b.perPersonFen)}</Descriptions.Item>
        <Descriptions.Item label="经办（创建）">{b.createdBy}</Descriptions.Item>
        <Descriptions.Item label="复核">{b.approvedBy ?? '—'}</Descriptions.Item>
      </Descriptions>
      {b.failureReason && (
        <Alert type="error" role="alert" style={{ marginTop: 16 }} title="批次失败" description={<span lang="en">{b.failureReason}</span>} />
      )}
      <Plan batch={b} />
      <Approval batch={b} reload={reload} />
      <Paying batch={b} />
      <Files batch={b} />
      <BankReport batch={b} reload={reload} />
      <Reconciliation batch={b} />
      <Recovery batch={b} reload={reload} />
      <ProblemAlert problem={problem} />
      <Table<Batch['history'][number]>
        style={{ marginTop: 16 }}
        size="small"
        pagination={false}
        caption="办理记录"
        rowKey={(h) => `${h.at}-${h.action}-${h.by}`}
        dataSource={b.history}
        columns={[
          { title: '时间', dataIndex: 'at', render: chinaTime },
          { title: '办理人', dataIndex: 'by' },
          { title: '操作', dataIndex: 'action', render: (a: string) => historyActionText[a] ?? a },
          { title: '说明', dataIndex: 'reason' },
        ]}
      />
    </Panel>
  );
}
