// The sign-in again, over the screen the user was working on: whatever was typed stays where it is.
import { Modal } from 'antd';
import { DevSignInForm } from './pages/SignIn.tsx';
import type { Role } from './session.ts';

export function SessionExpired(props: { role: Role; sub: string; onSignedIn: () => void }) {
  return (
    <Modal open title="登录已失效，请重新登录" footer={null} closable={false} destroyOnHidden>
      <p>刚才填写的内容仍保留在页面上；重新登录后再提交即可。</p>
      <DevSignInForm fixedRole={props.role} fixedSub={props.sub} onSignedIn={props.onSignedIn} />
    </Modal>
  );
}
