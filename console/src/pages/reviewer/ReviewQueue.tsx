// 审核队列: applications waiting for a decision, by status, type and township.
import { Form, Input } from 'antd';
import { Panel } from '../../Panel.tsx';
import { useState } from 'react';
import { currentSession } from '../../session.ts';
import { ApplicationList } from '../common/ApplicationList.tsx';

export function ReviewQueue() {
  const [township, setTownship] = useState(currentSession()?.township ?? '');
  return (
    <Panel title="审核队列">
      <Form layout="inline" style={{ marginBottom: 8 }}>
        <Form.Item label="乡镇">
          {/* A token scoped to a township sees only it (the API enforces that): nothing to choose. */}
          <Input.Search
            aria-label="乡镇"
            allowClear
            disabled={Boolean(currentSession()?.township)}
            defaultValue={township}
            onSearch={(v) => setTownship(v.trim())}
            style={{ width: 220 }}
          />
        </Form.Item>
      </Form>
      <ApplicationList fixed={township ? { township } : {}} initialStatus="UNDER_REVIEW" caption="待审核的申请" />
    </Panel>
  );
}
