// 我的申请: the applications this caseworker filed (GET /applications?createdBy=, an addition).
import { Button } from 'antd';
import { Panel } from '../../Panel.tsx';
import { useNavigate } from 'react-router';
import { currentSession } from '../../session.ts';
import { ApplicationList } from '../common/ApplicationList.tsx';

export function MyApplications() {
  const navigate = useNavigate();
  const sub = currentSession()?.sub ?? '';
  return (
    <Panel
      title="我的申请"
      extra={
        <Button type="primary" onClick={() => navigate('/applications/new')}>
          新建申请
        </Button>
      }
    >
      <ApplicationList fixed={{ createdBy: sub }} caption={`${sub} 建立的申请`} />
    </Panel>
  );
}
