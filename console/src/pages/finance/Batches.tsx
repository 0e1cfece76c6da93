// 支付批次 (finance's landing screen): every payout batch, newest period first, filtered by status,
// program and period (GET /payout-batches), paged by the API's nextToken.
import { Button, Form, Select, Space, Table, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, type paths, type Schemas } from '../../api/client.ts';
import { showProblem } from '../../errors.ts';
import { chinaTime, yuan } from '../../format.ts';
import { Panel } from '../../Panel.tsx';
import { batchStatusText, programText } from './finance-zh.ts';
import { periodOptions } from './periods.ts';

type Query = NonNullable<paths['/payout-batches']['get']['parameters']['query']>;
type Summary = Schemas['PayoutBatchSummary'];

const options = <K extends string>(labels: Record<K, string>) =>
  (Object.entries(labels) as Array<[K, string]>).map(([value, label]) => ({ value, label }));

export function Batches() {
  const navigate = useNavigate();
  const [status, setStatus] = useState<Summary['status']>();
  const [program, setProgram] = useState<Summary['program']>();
  const [period, setPeriod] = useState<string>();
  const [items, setItems] = useState<Summary[]>([]);
  const [nextToken, setNextToken] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<string>();

  const load = useCallback(
    async (token?: string) => {
      setLoading(true);
      const query: Query = { limit: 50, ...(status && { status }), ...(program && { program }), ...(period && { period }), ...(token && { nextToken: token }) };
      const { data, error, response } = await api.GET('/payout-batches', { params: { query } });
      setLoading(false);
      if (!data) return setProblem(showProblem(error, response.status).summary);
      setProblem(undefined);
      setItems((before) => (token ? [...before, ...data.items] : data.items));
      setNextToken(data.nextToken);
    },
    [status, program, period],
  );
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <Panel title="支付批次" extra={<Button type="primary" onClick={() => navigate('/payouts/new')}>新建批次</Button>}>
      <Form layout="inline" style={{ marginBottom: 16 }}>
        <Form.Item label="状态">
          <Select allowClear aria-label="状态" style={{ width: 180 }} value={status} onChange={setStatus} options={options(batchStatusText)} />
        </Form.Item>
        <Form.Item label="项目">
          <Select allowClear aria-label="项目" style={{ width: 280 }} value={program} onChange={setProgram} options={options(programText)} />
        </Form.Item>
        <Form.Item label="所属期">
          <Select allowClear aria-label="所属期" style={{ width: 140 }} value={period} onChange={setPeriod} options={periodOptions()} />
        </Form.Item>
      </Form>
      {problem && <div role="alert">{problem}</div>}
      <Table<Summary>
        rowKey="id"
        loading={loading}
        dataSource={items}
        pagination={false}
        caption="支付批次（按所属期从新到旧）"
        columns={[
          { title: '批次', dataIndex: 'title', render: (title: string, b) => <Link to={`/payouts/${b.id}`}>{title}</Link> },
          { title: '项目', dataIndex: 'program', render: (p: Summary['program']) => programText[p] },
          { title: '所属期', dataIndex: 'period' },
          { title: '状态', dataIndex: 'status', render: (s: Summary['status']) => <Tag>{batchStatusText[s]}</Tag> },
          { title: '人数', render: (_, b) => b.planned?.count ?? '—' },
          { title: '金额', render: (_, b) => yuan(b.planned?.totalFen) },
          {
            title: '对账（入账 / 退回 / 待回执）',
            render: (_, b) => (b.reconciliation ? `${b.reconciliation.settled} / ${b.reconciliation.returned} / ${b.reconciliation.pending}` : '—'),
          },
          { title: '经办', render: (_, b) => `${b.createdBy}${b.approvedBy ? ` · 复核 ${b.approvedBy}` : ''}` },
          { title: '创建时间', dataIndex: 'createdAt', render: chinaTime },
        ]}
      />
      {nextToken && (
        <Space style={{ marginTop: 16 }}>
          <Button onClick={() => void load(nextToken)}>加载更多</Button>
        </Space>
      )}
    </Panel>
  );
}
