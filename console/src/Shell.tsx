// The frame every screen sits in: the role's menu, who is signed in, and the sign-in again
// when the token expires (the screen underneath stays as typed, so nothing is lost).
import { Button, Layout, Menu, Modal, Typography } from 'antd';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { DevSignInForm } from './pages/SignIn.tsx';
import { currentSession, isExpired, onSessionChange, signOut, type Role } from './session.ts';
import { roleText } from './zh.ts';

const menus: Record<Role, Array<{ key: string; label: string }>> = {
  caseworker: [
    { key: '/applications/mine', label: '我的申请' },
    { key: '/applications/new', label: '新建申请' },
    { key: '/persons', label: '人员查询' },
  ],
  reviewer: [
    { key: '/review', label: '审核队列' },
    { key: '/recipients', label: '对象管理' },
    { key: '/registry/import', label: '名册导入' },
    { key: '/persons', label: '人员查询' },
  ],
  finance: [],
  hospital: [],
};

function useSession() {
  return useSyncExternalStore(onSessionChange, () => `${currentSession()?.token ?? ''}|${isExpired()}`);
}

export function Shell() {
  useSession();
  const session = currentSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [expiredOpen, setExpiredOpen] = useState(false);
  useEffect(() => onSessionChange(() => setExpiredOpen(isExpired())), []);
  if (!session) return <Navigate to="/sign-in" replace />;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16 }}>
        <Typography.Title level={1} style={{ color: '#fff', margin: 0, fontSize: 18, whiteSpace: 'nowrap' }}>
          托底 · 社会救助工作台
        </Typography.Title>
        <nav aria-label="主菜单" style={{ flex: 1, minWidth: 0 }}>
          <Menu
            theme="dark"
            mode="horizontal"
            selectedKeys={[location.pathname]}
            items={menus[session.role]}
            onClick={({ key }) => navigate(key)}
          />
        </nav>
        <span style={{ color: '#fff', whiteSpace: 'nowrap' }}>
          {roleText[session.role]} {session.sub}
          {session.township ? `（${session.township}）` : ''}
        </span>
        <Button
          onClick={() => {
            signOut();
            navigate('/sign-in');
          }}
        >
          退出
        </Button>
      </Layout.Header>
      <Layout.Content style={{ padding: 24 }}>
        <main>
          <Outlet />
        </main>
      </Layout.Content>
      <Modal open={expiredOpen} title="登录已失效，请重新登录" footer={null} closable={false} destroyOnHidden>
        <Typography.Paragraph>刚才填写的内容仍保留在页面上；重新登录后再提交即可。</Typography.Paragraph>
        <DevSignInForm fixedRole={session.role} fixedSub={session.sub} onSignedIn={() => setExpiredOpen(false)} />
      </Modal>
    </Layout>
  );
}
