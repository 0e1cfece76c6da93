// 名册导入: placeholder until the branch is rebased on main's dry-run import (issue 12).
import { Card } from 'antd';

export function RegistryImport() {
  return <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>名册导入</h2>}>尚未提供</Card>;
}
