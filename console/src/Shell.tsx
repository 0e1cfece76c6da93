// The frame every screen sits in: the role's menu, who is signed in, and the sign-in again
// when the token expires (the screen underneath stays as typed, so nothing is lost).
import { Button, Layout, Menu } from 'antd';
import { lazy, Suspense, useEffect, useState, useSyncExternalStore } from 'react';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { currentSession, homeOf, isExpired, onSessionChange, signOut, type Role } from './session.ts';
import { roleText } from './zh.ts';

// The figures home page (首页) leads every staff menu; a hospital sees only its desk.
const home = { key: '/', label: '首页（统计）' };
const menus: Record<Role, Array<{ key: string; label: string }>> = {
  caseworker: [
    home,
    { key: '/applications/mine', label: '我的申请' },
    { key: '/applications/new', label: '新建申请' },
    { key: '/persons', label: '人员查询' },
    { key: '/payee-changes', label: '账户变更' },
  ],
  reviewer: [
    home,
    { key: '/review', label: '审核队列' },
    { key: '/enrolments', label: '纳入保障' },
    { key: '/recipients', label: '对象管理' },
    { key: '/reviews-due', label: '定期复核' },
    { key: '/payee-changes', label: '账户变更' },
    { key: '/registry/import', label: '名册导入' },
    { key: '/persons', label: '人员查询' },
  ],
  finance: [
    home,
    { key: '/payouts', label: '支付批次' },
    { key: '/payouts/new', label: '新建批次' },
  ],
  hospital: [{ key: '/hospital-desk', label: '住院登记与结算' }],
};

// Loaded only when a session expires: the dialog is not part of every landing screen.
const SessionExpired = lazy(async () => ({ default: (await import('./SessionExpired.tsx')).SessionExpired }));

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
  // Each screen calls routes of one side only: a hospital is kept on its desk, staff off it.
  const onDesk = location.pathname.startsWith('/hospital-desk');
  if ((session.role === 'hospital') !== onDesk) return <Navigate to={homeOf[session.role]} replace />;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16 }}>
        <h1 style={{ color: '#fff', margin: 0, fontSize: 18, fontWeight: 600, whiteSpace: 'nowrap' }}>托底 · 社会救助工作台</h1>
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
          {session.hospitalId ? `（${session.hospitalId}）` : ''}
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
      {expiredOpen && (
        <Suspense>
          <SessionExpired role={session.role} sub={session.sub} {...(session.hospitalId && { hospitalId: session.hospitalId })} onSignedIn={() => setExpiredOpen(false)} />
        </Suspense>
      )}
    </Layout>
  );
}
