// 对象管理: suspend, reinstate or terminate a recipient, each with the reason the registry
// history records (who and when come from the token and the clock).
import { Alert, Button, Card, Descriptions, Form, Input, Radio } from 'antd';
import { useState } from 'react';
import { api, type Schemas } from '../../api/client.ts';
import { showProblem, type Problem } from '../../errors.ts';
import { idNumberRule, yuan } from '../../format.ts';
import { categoryText, detailCodeText, recipientStatusText } from '../../zh.ts';

type Action = '/recipients/suspensions' | '/recipients/reinstatements' | '/recipients/terminations';
const actions: Array<{ value: Action; label: string }> = [
  { value: '/recipients/suspensions', label: '暂停' },
  { value: '/recipients/reinstatements', label: '恢复' },
  { value: '/recipients/terminations', label: '终止' },
];

export function RecipientStatus() {
  const [form] = Form.useForm<{ idNumber: string; action: Action; reason: string }>();
  const [result, setResult] = useState<Schemas['Recipient']>();
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const act = async (values: { idNumber: string; action: Action; reason: string }) => {
    setProblem(undefined);
    setResult(undefined);
    setBusy(true);
    const { data, error, response } = await api.POST(values.action, {
      body: { idNumber: values.idNumber.trim().toUpperCase(), reason: values.reason.trim() },
    });
    setBusy(false);
    if (data) setResult(data);
    else setProblem(showProblem(error, response.status, form));
  };
  return (
    <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>对象管理：暂停、恢复、终止</h2>}>
      <Form form={form} layout="vertical" onFinish={act} initialValues={{ action: '/recipients/suspensions' }} style={{ maxWidth: 560 }}>
        <Form.Item
          label="身份证号码"
          name="idNumber"
          rules={[idNumberRule]}
        >
          <Input maxLength={18} />
        </Form.Item>
        <Form.Item label="操作" name="action">
          <Radio.Group options={actions} />
        </Form.Item>
        <Form.Item label="理由" name="reason" rules={[{ required: true, message: detailCodeText.REQUIRED }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
        {problem && (
          <Alert type="error" role="alert" title={problem.summary} description={problem.general.join('；') || undefined} style={{ marginBottom: 16 }} />
        )}
        <Button type="primary" htmlType="submit" loading={busy}>
          确认
        </Button>
      </Form>
      {result && (
        <Descriptions bordered column={2} style={{ marginTop: 16 }} title={`${result.name}：现为${recipientStatusText[result.status]}`}>
          <Descriptions.Item label="身份证号码">{result.idNumberMasked}</Descriptions.Item>
          <Descriptions.Item label="类别">{categoryText[result.category]}</Descriptions.Item>
          <Descriptions.Item label="月保障金">{yuan(result.monthlyBenefitFen)}</Descriptions.Item>
          <Descriptions.Item label="户编号">{result.householdId}</Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}
