// 收款账户变更 (maker–checker): one officer asks for a recipient's new bank account, another
// reviewer confirms it; batches planned afterwards pay the new account. Both steps need a reason.
import { Alert, Button, Card, Descriptions, Form, Input } from 'antd';
import { useState } from 'react';
import { dateInChina } from '../../../../shared/domain/clock.ts';
import { idNumberProblemCode } from '../../../../shared/domain/id-number.ts';
import { api, type Schemas } from '../../api/client.ts';
import { showProblem, type Problem } from '../../errors.ts';
import { chinaTime } from '../../format.ts';
import { currentSession } from '../../session.ts';
import { detailCodeText } from '../../zh.ts';

type Change = Schemas['PayeeChange'];
const idNumberRule = {
  validator: async (_: unknown, value: string | undefined) => {
    const code = idNumberProblemCode((value ?? '').trim().toUpperCase(), dateInChina(new Date()));
    if (code) throw new Error(detailCodeText[code]);
  },
};
const required = { required: true, message: detailCodeText.REQUIRED };

function ChangeResult(props: { change: Change }) {
  const c = props.change;
  return (
    <Descriptions bordered size="small" column={2} style={{ marginTop: 16 }} title={c.status === 'REQUESTED' ? '已提出变更，待另一名审核人确认' : '变更已确认'}>
      <Descriptions.Item label="变更编号">{c.changeId}</Descriptions.Item>
      <Descriptions.Item label="新开户行">{c.bankName}</Descriptions.Item>
      <Descriptions.Item label="新账号">{c.bankAccountMasked}</Descriptions.Item>
      <Descriptions.Item label="提出人">{`${c.requestedBy} · ${chinaTime(c.requestedAt)}`}</Descriptions.Item>
      <Descriptions.Item label="确认人">{c.confirmedBy ? `${c.confirmedBy} · ${chinaTime(c.confirmedAt)}` : '—'}</Descriptions.Item>
    </Descriptions>
  );
}

function RequestChange() {
  const [form] = Form.useForm<{ idNumber: string; bankName: string; bankAccount: string; reason: string }>();
  const [change, setChange] = useState<Change>();
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const send = async (v: { idNumber: string; bankName: string; bankAccount: string; reason: string }) => {
    setProblem(undefined);
    setBusy(true);
    const { data, error, response } = await api.POST('/recipients/payee-changes', {
      body: { idNumber: v.idNumber.trim().toUpperCase(), bankName: v.bankName.trim(), bankAccount: v.bankAccount.trim(), reason: v.reason.trim() },
    });
    setBusy(false);
    if (data) setChange(data);
    else setProblem(showProblem(error, response.status, form));
  };
  return (
    <Card type="inner" title="提出变更">
      <Form form={form} layout="vertical" onFinish={send} style={{ maxWidth: 560 }}>
        <Form.Item label="身份证号码" name="idNumber" rules={[idNumberRule]}>
          <Input maxLength={18} />
        </Form.Item>
        <Form.Item label="新开户银行" name="bankName" rules={[required]}>
          <Input />
        </Form.Item>
        <Form.Item label="新银行账号" name="bankAccount" rules={[required]}>
          <Input inputMode="numeric" />
        </Form.Item>
        <Form.Item label="变更理由" name="reason" rules={[required]}>
          <Input.TextArea rows={2} />
        </Form.Item>
        {problem && <Alert type="error" role="alert" title={problem.summary} description={problem.general.join('；') || undefined} style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit" loading={busy}>
          提出变更
        </Button>
      </Form>
      {change && <ChangeResult change={change} />}
    </Card>
  );
}

function ConfirmChange() {
  const [form] = Form.useForm<{ idNumber: string; changeId: string; reason: string }>();
  const [change, setChange] = useState<Change>();
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const send = async (v: { idNumber: string; changeId: string; reason: string }) => {
    setProblem(undefined);
    setBusy(true);
    const { data, error, response } = await api.POST('/recipients/payee-changes/confirmations', {
      body: { idNumber: v.idNumber.trim().toUpperCase(), changeId: v.changeId.trim(), reason: v.reason.trim() },
    });
    setBusy(false);
    if (data) setChange(data);
    else setProblem(showProblem(error, response.status, form));
  };
  return (
    <Card type="inner" title="确认变更（须由提出人以外的审核人确认）" style={{ marginTop: 16 }}>
      <Form form={form} layout="vertical" onFinish={send} style={{ maxWidth: 560 }}>
        <Form.Item label="身份证号码" name="idNumber" rules={[idNumberRule]}>
          <Input maxLength={18} />
        </Form.Item>
        <Form.Item label="变更编号" name="changeId" rules={[required]}>
          <Input />
        </Form.Item>
        <Form.Item label="确认意见" name="reason" rules={[required]}>
          <Input.TextArea rows={2} />
        </Form.Item>
        {problem && <Alert type="error" role="alert" title={problem.summary} description={problem.general.join('；') || undefined} style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit" loading={busy}>
          确认变更
        </Button>
      </Form>
      {change && <ChangeResult change={change} />}
    </Card>
  );
}

export function PayeeChange() {
  const reviewer = currentSession()?.role === 'reviewer';
  return (
    <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>收款账户变更</h2>}>
      <RequestChange />
      {reviewer && <ConfirmChange />}
    </Card>
  );
}
