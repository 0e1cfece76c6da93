// Sign-in. A console built with the identity provider's settings signs in there (authorization
// code with PKCE, identity-provider.ts); otherwise the local-only dev sign-in: choose a role and
// a subject, and the local stack mints a dev token (POST /local/dev-token).
import { Alert, Button, Form, Input, Select } from 'antd';
import { Panel } from '../Panel.tsx';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { builtInSignInConfig, startSignIn } from '../identity-provider.ts';
import { homeOf, keepPendingSignIn, signIn, type Role } from '../session.ts';
import { roleText } from '../zh.ts';

interface Values {
  role: Role;
  sub: string;
  township?: string;
  hospitalId?: string;
}

export function DevSignInForm(props: { fixedRole?: Role; fixedSub?: string; fixedHospitalId?: string; onSignedIn: (role: Role) => void }) {
  const [form] = Form.useForm<Values>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const role = Form.useWatch('role', form) ?? props.fixedRole;
  const submit = async (values: Values) => {
    setBusy(true);
    setProblem(undefined);
    try {
      const response = await fetch('/local/dev-token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          role: values.role,
          sub: values.sub.trim(),
          ...(values.township && { township: values.township.trim() }),
          ...(values.role === 'hospital' && { hospitalId: (props.fixedHospitalId ?? values.hospitalId ?? '').trim() }),
        }),
      });
      if (!response.ok) {
        setProblem(response.status === 404 ? '此环境没有本地开发登录（仅本地运行时提供）' : '登录信息不正确：账号只能含字母、数字及 . _ @ -');
        return;
      }
      const { token } = (await response.json()) as { token: string };
      signIn(token);
      props.onSignedIn(values.role);
    } catch {
      setProblem('网络连接失败，请检查后重试');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={submit}
      initialValues={{ role: props.fixedRole ?? 'caseworker', sub: props.fixedSub ?? '' }}
    >
      <Form.Item label="角色" name="role" rules={[{ required: true, message: '请选择角色' }]}>
        <Select
          disabled={Boolean(props.fixedRole)}
          options={(['caseworker', 'reviewer', 'finance', 'hospital'] as const).map((r) => ({ value: r, label: roleText[r] }))}
        />
      </Form.Item>
      <Form.Item label="账号" name="sub" rules={[{ required: true, message: '请输入账号' }]}>
        <Input disabled={Boolean(props.fixedSub)} autoComplete="username" />
      </Form.Item>
      {role === 'hospital' && !props.fixedRole && (
        <Form.Item label="医院编号" name="hospitalId" rules={[{ required: true, message: '请输入定点医院编号' }]}>
          <Input />
        </Form.Item>
      )}
      {!props.fixedRole && role !== 'hospital' && (
        <Form.Item label="所属乡镇（可不填）" name="township">
          <Input />
        </Form.Item>
      )}
      {problem && <Alert type="error" title={problem} style={{ marginBottom: 16 }} />}
      <Button type="primary" htmlType="submit" loading={busy} block>
        登录
      </Button>
    </Form>
  );
}

/** Leaves for the identity provider's sign-in page; the callback page returns to `returnTo`. */
export async function signInWithProvider(returnTo: string): Promise<void> {
  const config = builtInSignInConfig(window.location.origin);
  if (!config) return;
  const { pending, url } = await startSignIn(config, returnTo);
  keepPendingSignIn(pending);
  window.location.assign(url);
}

export function SignIn() {
  const navigate = useNavigate();
  const provider = builtInSignInConfig(window.location.origin);
  return (
    <main style={{ display: 'flex', justifyContent: 'center', paddingTop: '10vh' }}>
      <Panel level={1} title={provider ? '托底 · 社会救助工作台 — 登录' : '托底 · 社会救助工作台 — 本地开发登录'} style={{ width: 420 }}>
        {provider ? (
          <Button type="primary" block onClick={() => void signInWithProvider('/')}>
            使用统一身份认证登录
          </Button>
        ) : (
          <DevSignInForm onSignedIn={(role) => navigate(homeOf[role], { replace: true })} />
        )}
      </Panel>
    </main>
  );
}
