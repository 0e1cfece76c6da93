// 人员查询: a person in the registry by resident ID number; the answer shows it masked.
import { Alert, Button, Card, Descriptions, Empty, Form, Input } from 'antd';
import { useState } from 'react';
import { api, type Schemas } from '../../api/client.ts';
import { showProblem, type Problem } from '../../errors.ts';
import { idNumberRule, yuan } from '../../format.ts';
import { categoryText, recipientStatusText } from '../../zh.ts';

export function PersonLookup() {
  const [form] = Form.useForm<{ idNumber: string }>();
  const [found, setFound] = useState<Array<Schemas['Recipient']>>();
  const [problem, setProblem] = useState<Problem>();
  const search = async ({ idNumber }: { idNumber: string }) => {
    setProblem(undefined);
    const { data, error, response } = await api.GET('/recipients', { params: { query: { idNumber: idNumber.trim().toUpperCase() } } });
    if (data) setFound(data.items);
    else setProblem(showProblem(error, response.status, form));
  };
  return (
    <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>人员查询</h2>}>
      <Form form={form} layout="inline" onFinish={search}>
        <Form.Item
          label="身份证号码"
          name="idNumber"
          rules={[idNumberRule]}
        >
          <Input maxLength={18} style={{ width: 240 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          查询
        </Button>
      </Form>
      {problem && <Alert type="error" title={problem.summary} description={problem.general.join('；') || undefined} style={{ marginTop: 16 }} />}
      {found && found.length === 0 && <Empty description="名册中没有此人" style={{ marginTop: 16 }} />}
      {found?.map((r) => (
        <Descriptions key={r.recipientId} bordered column={2} style={{ marginTop: 16 }} title={r.name}>
          <Descriptions.Item label="身份证号码">{r.idNumberMasked}</Descriptions.Item>
          <Descriptions.Item label="户编号">{r.householdId}</Descriptions.Item>
          <Descriptions.Item label="类别">{categoryText[r.category]}</Descriptions.Item>
          <Descriptions.Item label="状态">{recipientStatusText[r.status]}</Descriptions.Item>
          <Descriptions.Item label="纳入日期">{r.since}</Descriptions.Item>
          <Descriptions.Item label="月保障金">{yuan(r.monthlyBenefitFen)}</Descriptions.Item>
        </Descriptions>
      ))}
    </Card>
  );
}
