// A table of application summaries with its filters, paged by the API's nextToken.
import { Button, Form, Select, Space, Table, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, type paths, type Schemas } from '../../api/client.ts';
import { showProblem } from '../../errors.ts';
import { chinaTime } from '../../format.ts';
import { applicationStatusText, applicationTypeText } from '../../zh.ts';

type Query = NonNullable<paths['/applications']['get']['parameters']['query']>;
type Summary = Schemas['ApplicationSummary'];

const options = <K extends string>(labels: Record<K, string>) =>
  (Object.entries(labels) as Array<[K, string]>).map(([value, label]) => ({ value, label }));

export function ApplicationList(props: { fixed: Query; initialStatus?: Summary['status']; caption: string }) {
  const [status, setStatus] = useState<Summary['status'] | undefined>(props.initialStatus);
  const [type, setType] = useState<Summary['type']>();
  const [items, setItems] = useState<Summary[]>([]);
  const [nextToken, setNextToken] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<string>();
  const fixed = JSON.stringify(props.fixed);

  const load = useCallback(
    async (token?: string) => {
      setLoading(true);
      const query = { ...(JSON.parse(fixed) as Query), ...(status && { status }), ...(type && { type }), ...(token && { nextToken: token }), limit: 50 };
      const { data, error, response } = await api.GET('/applications', { params: { query } });
      setLoading(false);
      if (!data) return setProblem(showProblem(error, response.status).summary);
      setProblem(undefined);
      setItems((before) => (token ? [...before, ...data.items] : data.items));
      setNextToken(data.nextToken);
    },
    [fixed, status, type],
  );
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <>
      <Form layout="inline" style={{ marginBottom: 16 }}>
        <Form.Item label="状态">
          <Select allowClear style={{ width: 160 }} value={status} onChange={setStatus} options={options(applicationStatusText)} aria-label="状态" />
        </Form.Item>
        <Form.Item label="类型">
          <Select allowClear style={{ width: 200 }} value={type} onChange={setType} options={options(applicationTypeText)} aria-label="类型" />
        </Form.Item>
      </Form>
      {problem && <div role="alert">{problem}</div>}
      <Table<Summary>
        rowKey="id"
        loading={loading}
        dataSource={items}
        pagination={false}
        caption={props.caption}
        columns={[
          { title: '申请编号', dataIndex: 'id', render: (id: string) => <Link to={`/applications/${id}`}>{id}</Link> },
          { title: '类型', dataIndex: 'type', render: (t: Summary['type']) => applicationTypeText[t] },
          { title: '户主', dataIndex: 'headName' },
          { title: '人数', dataIndex: 'memberCount' },
          { title: '乡镇', dataIndex: 'township' },
          { title: '状态', dataIndex: 'status', render: (s: Summary['status']) => <Tag>{applicationStatusText[s]}</Tag> },
          { title: '建立时间', dataIndex: 'createdAt', render: chinaTime },
          { title: '公示截止', dataIndex: 'noticeEndsOn', render: (d: string | null) => d ?? '—' },
        ]}
      />
      {nextToken && (
        <Space style={{ marginTop: 16 }}>
          <Button onClick={() => void load(nextToken)}>加载更多</Button>
        </Space>
      )}
    </>
  );
}
