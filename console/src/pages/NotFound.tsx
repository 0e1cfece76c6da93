import { Result } from 'antd';

export function NotFound() {
  return <Result status="404" title="没有这个页面" />;
}
