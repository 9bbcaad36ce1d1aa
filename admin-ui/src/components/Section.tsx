import { Card, CardContent, Typography } from '@mui/material';
import type { ReactNode } from 'react';

/** A titled card section of a record's page. */
export function Section({
  title,
  children,
  wide,
}: {
  title: string;
  children: ReactNode;
  wide?: boolean;
}) {
  return (
    <Card
      component="section"
      aria-label={title}
      variant="outlined"
      sx={{ flex: wide ? '1 1 100%' : '1 1 380px', minWidth: 0 }}
    >
      {/* A wide table (history, sessions) scrolls inside its card, never the page on a phone. */}
      <CardContent sx={{ overflowX: 'auto' }}>
        <Typography variant="subtitle1" component="h2" sx={{ fontWeight: 600, mb: 1 }}>
          {title}
        </Typography>
        {children}
      </CardContent>
    </Card>
  );
}

/** A label/value row of a section. */
export function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div style={{ display: 'flex', gap: 12, padding: '4px 0' }}>
      <Typography variant="body2" color="text.secondary" sx={{ width: 170, flexShrink: 0 }}>
        {label}
      </Typography>
      <Typography variant="body2" component="div" sx={{ minWidth: 0, wordBreak: 'break-word' }}>
        {children ?? '—'}
      </Typography>
    </div>
  );
}
