import { Navigate } from 'react-router';
import { currentSession, homeOf } from '../session.ts';
import { Result } from 'antd';

export function Home() {
  const session = currentSession();
  if (!session) return <Navigate to="/sign-in" replace />;
  if (homeOf[session.role] !== '/') return <Navigate to={homeOf[session.role]} replace />;
  return <Result status="info" title="此角色的工作台将在下一期提供（定点医院）" />;
}
