// The API's error as the screens show it: the Chinese summary and the details.
import { Alert } from 'antd';
import type { Problem } from './errors.ts';

export function ProblemAlert({ problem }: { problem?: Problem }) {
  if (!problem) return null;
  return (
    <Alert
      type="error"
      role="alert"
      title={problem.summary}
      description={problem.general.length ? problem.general.map((g) => <div key={g}>{g}</div>) : undefined}
      style={{ margin: '12px 0' }}
    />
  );
}
