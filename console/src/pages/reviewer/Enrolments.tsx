// 纳入保障: approved enrolment applications on public notice (the daily job enrols them when the
// notice ends without objection) and those already enrolled.
import { Card } from 'antd';
import { currentSession } from '../../session.ts';
import { ApplicationList } from '../common/ApplicationList.tsx';

export function Enrolments() {
  const township = currentSession()?.township;
  return (
    <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>纳入保障（公示中与已纳入）</h2>}>
      <ApplicationList fixed={township ? { township } : {}} initialStatus="PUBLIC_NOTICE" caption="公示期满且无异议的申请由每日任务纳入保障" />
    </Card>
  );
}
