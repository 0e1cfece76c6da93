// An operator action that records its reason (reject, cancel, retry, whole-file return): the
// button opens a small form asking why; what is typed is sent as `reason` and kept on the batch's
// history with who and when.
import { Button, Form, Input, Space } from 'antd';
import { useState, type ReactNode } from 'react';
import type { Problem } from '../../errors.ts';
import { detailCodeText } from '../../zh.ts';
import { ProblemAlert } from '../../ProblemAlert.tsx';

export interface ReasonValues {
  reason: string;
  [field: string]: unknown;
}

export function ReasonAction(props: {
  /** The button that opens the form, e.g. 驳回. */
  label: string;
  /** The reason field's label, e.g. 驳回理由. */
  reasonLabel: string;
  confirmLabel: string;
  danger?: boolean;
  /** Extra fields before the reason (Form.Items). */
  children?: ReactNode;
  /** Sends the action; answers the problem to show, or nothing when done. */
  onConfirm: (values: ReasonValues) => Promise<Problem | undefined>;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const [form] = Form.useForm<ReasonValues>();
  if (!open) {
    return (
      <Button danger={props.danger} onClick={() => setOpen(true)}>
        {props.label}
      </Button>
    );
  }
  const confirm = async (values: ReasonValues) => {
    setBusy(true);
    setProblem(undefined);
    const found = await props.onConfirm({ ...values, reason: values.reason.trim() });
    setBusy(false);
    if (found) setProblem(found);
    else setOpen(false);
  };
  return (
    <section aria-label={props.label} style={{ border: '1px solid #f0f0f0', borderRadius: 8, padding: 16, width: '100%' }}>
      <Form form={form} layout="vertical" onFinish={confirm}>
        {props.children}
        <Form.Item label={props.reasonLabel} name="reason" rules={[{ required: true, whitespace: true, message: detailCodeText.REQUIRED }]}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <ProblemAlert problem={problem} />
        <Space>
          <Button type="primary" danger={props.danger} htmlType="submit" loading={busy}>
            {props.confirmLabel}
          </Button>
          <Button onClick={() => setOpen(false)}>取消</Button>
        </Space>
      </Form>
    </section>
  );
}
