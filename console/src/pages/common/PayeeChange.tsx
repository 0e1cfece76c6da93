// 收款账户变更 (maker–checker): one officer asks for a recipient's new bank account, another
// reviewer confirms it; batches planned afterwards pay the new account. Both steps need a reason.
import { Alert, Button, Card, Descriptions, Form, Input } from 'antd';
import { useState, type CSSProperties } from 'react';
import { api, type Schemas } from '../../api/client.ts';
import { showProblem, type Problem } from '../../errors.ts';
import { chinaTime, idNumberRule } from '../../format.ts';
import { currentSession } from '../../session.ts';
import { detailCodeText } from '../../zh.ts';

type Change = Schemas['PayeeChange'];
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

type Path = '/recipients/payee-changes' | '/recipients/payee-changes/confirmations';
type Field = { name: string; label: string; kind?: 'idNumber' | 'numeric' | 'text' };

/** One step of the maker–checker pair: its form, the API call, the answer or the problem on the fields. */
function ChangeStep(props: { title: string; path: Path; fields: Field[]; submit: string; style?: CSSProperties }) {
  const [form] = Form.useForm<Record<string, string>>();
  const [change, setChange] = useState<Change>();
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const send = async (values: Record<string, string>) => {
    setProblem(undefined);
    setBusy(true);
    const body = Object.fromEntries(props.fields.map((f) => [f.name, f.kind === 'idNumber' ? values[f.name]!.trim().toUpperCase() : values[f.name]!.trim()]));
    const { data, error, response } = await api.POST(props.path, { body: body as never });
    setBusy(false);
    if (data) setChange(data);
    else setProblem(showProblem(error, response.status, form));
  };
  return (
    <Card type="inner" title={props.title} style={props.style}>
      {/* The form's name prefixes its fields' ids: both steps have an ID number field, and each label must name its own. */}
      <Form form={form} name={props.path === '/recipients/payee-changes' ? 'ask' : 'confirm'} layout="vertical" onFinish={send} style={{ maxWidth: 560 }}>
        {props.fields.map((f) => (
          <Form.Item key={f.name} label={f.label} name={f.name} rules={[f.kind === 'idNumber' ? idNumberRule : required]}>
            {f.kind === 'text' ? <Input.TextArea rows={2} /> : <Input maxLength={f.kind === 'idNumber' ? 18 : undefined} inputMode={f.kind === 'numeric' ? 'numeric' : undefined} />}
          </Form.Item>
        ))}
        {problem && <Alert type="error" role="alert" title={problem.summary} description={problem.general.join('；') || undefined} style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit" loading={busy}>
          {props.submit}
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
      <ChangeStep
        title="提出变更"
        path="/recipients/payee-changes"
        submit="提出变更"
        fields={[
          { name: 'idNumber', label: '身份证号码', kind: 'idNumber' },
          { name: 'bankName', label: '新开户银行' },
          { name: 'bankAccount', label: '新银行账号', kind: 'numeric' },
          { name: 'reason', label: '变更理由', kind: 'text' },
        ]}
      />
      {reviewer && (
        <ChangeStep
          title="确认变更（须由提出人以外的审核人确认）"
          path="/recipients/payee-changes/confirmations"
          submit="确认变更"
          style={{ marginTop: 16 }}
          fields={[
            { name: 'idNumber', label: '身份证号码', kind: 'idNumber' },
            { name: 'changeId', label: '变更编号' },
            { name: 'reason', label: '确认意见', kind: 'text' },
          ]}
        />
      )}
    </Card>
  );
}
