// The sign-in again, over the screen the user was working on: whatever was typed stays where it is.
// With the identity provider, the refresh token signs in again without leaving the page; only when
// it has lapsed does the console leave for the sign-in page (and says that unsent input is lost).
import { Alert, Button, Modal } from 'antd';
import { useState } from 'react';
import { builtInSignInConfig, requestTokens } from './identity-provider.ts';
import { DevSignInForm, signInWithProvider } from './pages/SignIn.tsx';
import { keepRefreshToken, refreshToken, signIn, type Role } from './session.ts';

export function SessionExpired(props: { role: Role; sub: string; hospitalId?: string; onSignedIn: () => void }) {
  const provider = builtInSignInConfig(window.location.origin);
  const [lapsed, setLapsed] = useState(false);
  const [busy, setBusy] = useState(false);
  const renew = async () => {
    const token = refreshToken();
    if (!provider || !token) return setLapsed(true);
    setBusy(true);
    try {
      const tokens = await requestTokens(provider, { refreshToken: token });
      signIn(tokens.access_token);
      keepRefreshToken(tokens.refresh_token);
      props.onSignedIn();
    } catch {
      setLapsed(true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title="登录已失效，请重新登录" footer={null} closable={false} destroyOnHidden>
      <p>刚才填写的内容仍保留在页面上；重新登录后再提交即可。</p>
      {provider ? (
        <>
          {lapsed && <Alert type="warning" title="登录凭据已过期，需要前往统一身份认证重新登录；尚未提交的内容将不会保留。" style={{ marginBottom: 16 }} />}
          <Button
            type="primary"
            block
            loading={busy}
            onClick={() => (lapsed ? void signInWithProvider(window.location.pathname.replace(/^\/console/, '') || '/') : void renew())}
          >
            {lapsed ? '前往统一身份认证登录' : '重新登录'}
          </Button>
        </>
      ) : (
        <DevSignInForm fixedRole={props.role} fixedSub={props.sub} {...(props.hospitalId && { fixedHospitalId: props.hospitalId })} onSignedIn={props.onSignedIn} />
      )}
    </Modal>
  );
}
