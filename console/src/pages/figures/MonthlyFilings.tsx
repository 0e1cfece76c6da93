// 已报送的月报: a month's filed copies (GET /reports/monthly/{month}/filings, oldest first), each
// frozen as filed, who filed it and when; a reviewer or finance officer files the month
// (POST …/filings with an optional reason). 查看 shows a copy's figures in place of the live ones.
import { Button, Form, Input, Table, Typography } from 'antd';
import { useEffect, useId, useState } from 'react';
import { api, type Schemas } from '../../api/client.ts';
import { showProblem, type Problem } from '../../errors.ts';
import { chinaTime } from '../../format.ts';
import { ProblemAlert } from '../../ProblemAlert.tsx';

export type Filing = Schemas['MonthlyReportFiling'];

export function MonthlyFilings(props: { month: string; canFile: boolean; onView: (filing: Filing) => void }) {
  const headingId = useId();
  const [filings, setFilings] = useState<{ month: string; items: Filing[] }>();
  const [problem, setProblem] = useState<Problem>();
  const [filing, setFiling] = useState(false);
  // One key per filing form: a retried click files once (the API's Idempotency-Key).
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [form] = Form.useForm<{ reason?: string }>();
  const [loads, setLoads] = useState(0);

  useEffect(() => {
    let current = true;
    void api.GET('/reports/monthly/{month}/filings', { params: { path: { month: props.month } } }).then(({ data, error, response }) => {
      if (!current) return;
      if (!data) return setProblem(showProblem(error, response.status));
      setFilings({ month: props.month, items: data.items });
    });
    return () => {
      current = false;
    };
  }, [props.month, loads]);

  const file = async ({ reason }: { reason?: string }) => {
    setFiling(true);
    setProblem(undefined);
    const { data, error, response } = await api.POST('/reports/monthly/{month}/filings', {
      params: { path: { month: props.month } },
      headers: { 'Idempotency-Key': idempotencyKey },
      body: reason?.trim() ? { reason: reason.trim() } : {},
    });
    setFiling(false);
    if (!data) return setProblem(showProblem(error, response.status));
    setIdempotencyKey(crypto.randomUUID());
    form.resetFields();
    setLoads((n) => n + 1);
  };

  const items = filings?.month === props.month ? filings.items : undefined;
  return (
    <section aria-labelledby={headingId} style={{ marginTop: 24 }}>
      <Typography.Title level={2} id={headingId} style={{ fontSize: 16 }}>
        已报送的月报
      </Typography.Title>
      <ProblemAlert problem={problem} />
      {props.canFile && (
        <Form form={form} layout="inline" onFinish={(values) => void file(values)} style={{ marginBottom: 12 }}>
          <Form.Item label="报送说明" name="reason">
            <Input maxLength={500} style={{ width: 280 }} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={filing}>
            报送本月月报
          </Button>
        </Form>
      )}
      <Table<Filing>
        size="small"
        rowKey="filingId"
        pagination={false}
        loading={!items && !problem}
        caption="已报送的月报（报送时的数字）"
        dataSource={items ?? []}
        // antd's empty-table text is too faint for WCAG AA contrast: the words in the body's colour.
        locale={{ emptyText: <Typography.Text>本月尚未报送</Typography.Text> }}
        columns={[
          { title: '报送时间', key: 'filedAt', rowScope: 'row', render: (_, f) => chinaTime(f.filedAt) },
          { title: '报送人', key: 'filedBy', render: (_, f) => f.filedBy },
          { title: '说明', key: 'reason', render: (_, f) => f.reason ?? '—' },
          {
            title: '操作',
            key: 'view',
            render: (_, f) => (
              <Button size="small" onClick={() => props.onView(f)} aria-label={`查看 ${chinaTime(f.filedAt)} 报送的副本`}>
                查看
              </Button>
            ),
          },
        ]}
      />
    </section>
  );
}
