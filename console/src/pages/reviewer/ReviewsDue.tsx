// 定期复核: recipients whose periodic review the daily review-due job opened and nobody has acted
// on yet (GET /recipients/reviews-due), by township, oldest first. Acting on the recipient in
// 对象管理 (suspend, reinstate, terminate) closes the review.
import { Button, Form, Input, Space, Table } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, type Schemas } from '../../api/client.ts';
import { Panel } from '../../Panel.tsx';
import { showProblem } from '../../errors.ts';
import { yuan } from '../../format.ts';
import { currentSession } from '../../session.ts';
import { categoryText } from '../../zh.ts';

type Review = Schemas['ReviewDue'];

export function ReviewsDue() {
  const scoped = currentSession()?.township;
  const [township, setTownship] = useState(scoped ?? '');
  const [items, setItems] = useState<Review[]>([]);
  const [nextToken, setNextToken] = useState<string | null>(null);
  const [problem, setProblem] = useState<string>();
  const [loading, setLoading] = useState(false);

  const load = useCallback(
    async (token?: string) => {
      setLoading(true);
      const query = { ...(township && !scoped && { township }), ...(token && { nextToken: token }), limit: 50 };
      const { data, error, response } = await api.GET('/recipients/reviews-due', { params: { query } });
      setLoading(false);
      if (!data) return setProblem(showProblem(error, response.status).summary);
      setProblem(undefined);
      setItems((before) => (token ? [...before, ...data.items] : data.items));
      setNextToken(data.nextToken);
    },
    [township, scoped],
  );
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <Panel title="定期复核（到期待办）">
      <Form layout="inline" style={{ marginBottom: 16 }}>
        <Form.Item label="乡镇">
          {/* A township-scoped token lists its own township only (the API enforces it). */}
          <Input.Search aria-label="乡镇" allowClear disabled={Boolean(scoped)} defaultValue={township} onSearch={(v) => setTownship(v.trim())} style={{ width: 220 }} />
        </Form.Item>
      </Form>
      {problem && <div role="alert">{problem}</div>}
      <Table<Review>
        rowKey="recipientId"
        loading={loading}
        dataSource={items}
        pagination={false}
        caption="复核期间在“对象管理”中暂停、恢复或终止，即结束该复核"
        columns={[
          { title: '姓名', dataIndex: 'name' },
          { title: '身份证号码', dataIndex: 'idNumberMasked' },
          { title: '户编号', dataIndex: 'householdId' },
          { title: '乡镇', dataIndex: 'township' },
          { title: '类别', dataIndex: 'category', render: (c: Review['category']) => categoryText[c] },
          { title: '月保障金', dataIndex: 'monthlyBenefitFen', render: yuan },
          { title: '复核周期', dataIndex: 'reviewEveryMonths', render: (m: number) => (m === 6 ? '每半年' : '每年') },
          { title: '复核开始', dataIndex: 'reviewOpenedOn' },
          { title: '下次复核', dataIndex: 'nextReviewOn', render: (d: string | null) => d ?? '—' },
        ]}
      />
      <Space style={{ marginTop: 16 }}>
        {nextToken && <Button onClick={() => void load(nextToken)}>加载更多</Button>}
        <Link to="/recipients">去对象管理办理</Link>
      </Space>
    </Panel>
  );
}
