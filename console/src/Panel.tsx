// A titled white panel that looks like antd's Card without its weight (Card imports Tabs and
// Skeleton): used by the sign-in and the landing screens, which must stay small (bench/console-size.ts).
import type { CSSProperties, ReactNode } from 'react';
import { useId } from 'react';

export function Panel(props: { title: string; level?: 1 | 2; extra?: ReactNode; style?: CSSProperties; children: ReactNode }) {
  const id = useId();
  const Heading = props.level === 1 ? 'h1' : 'h2';
  return (
    <section aria-labelledby={id} style={{ background: '#fff', border: '1px solid #f0f0f0', borderRadius: 8, ...props.style }}>
      <header style={{ display: 'flex', alignItems: 'center', gap: 16, padding: '16px 24px', borderBottom: '1px solid #f0f0f0' }}>
        <Heading id={id} style={{ margin: 0, fontSize: 18, fontWeight: 600, flex: 1 }}>
          {props.title}
        </Heading>
        {props.extra}
      </header>
      <div style={{ padding: 24 }}>{props.children}</div>
    </section>
  );
}
