// The identity provider's callback (/console/signed-in): checks the state, exchanges the code for
// tokens (PKCE), signs in and returns to where the sign-in started.
import { Alert, Button, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { Panel } from '../Panel.tsx';
import { builtInSignInConfig, finishSignIn, SignInError } from '../identity-provider.ts';
import { homeOf, signIn, takePendingSignIn, keepRefreshToken } from '../session.ts';

const reasonText: Record<SignInError['reason'], string> = {
  STATE_MISMATCH: '登录回调与本浏览器发起的登录不符（可能已过期或被篡改），请重新登录',
  PROVIDER_REFUSED: '统一身份认证拒绝了本次登录',
  TOKEN_REQUEST_FAILED: '无法从统一身份认证取得登录凭据，请重新登录',
};

export function SignedIn() {
  const navigate = useNavigate();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    const config = builtInSignInConfig(window.location.origin);
    if (!config) return void setProblem('此控制台未配置统一身份认证');
    // Taken once: a reloaded callback page cannot replay the exchange.
    const pending = takePendingSignIn();
    finishSignIn(config, new URLSearchParams(window.location.search), pending)
      .then((tokens) => {
        const session = signIn(tokens.access_token);
        keepRefreshToken(tokens.refresh_token);
        navigate(pending?.returnTo ?? homeOf[session.role], { replace: true });
      })
      .catch((error: unknown) => setProblem(error instanceof SignInError ? reasonText[error.reason] : '网络连接失败，请重新登录'));
  }, [navigate]);
  return (
    <main style={{ display: 'flex', justifyContent: 'center', paddingTop: '10vh' }}>
      <Panel level={1} title="托底 · 社会救助工作台 — 登录" style={{ width: 420 }}>
        {problem ? (
          <>
            <Alert type="error" title={problem} style={{ marginBottom: 16 }} />
            <Button type="primary" block onClick={() => navigate('/sign-in', { replace: true })}>
              返回登录
            </Button>
          </>
        ) : (
          <Spin tip="正在完成登录…">
            <div style={{ height: 48 }} />
          </Spin>
        )}
      </Panel>
    </main>
  );
}
