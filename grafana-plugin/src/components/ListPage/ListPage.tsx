// The chrome of the app's list and aggregate pages (agent map, error patterns, sessions, budgets): a nav page with
// a Refresh action, and above the content a toolbar with the time range picker and the page's own controls.
import { Button, Stack } from '@grafana/ui';
import type { ReactNode } from 'react';
import { Page } from '../Page/Page';
import { RangePicker } from '../RangePicker/RangePicker';

export interface ListPageProps {
  title: string;
  subTitle: ReactNode;
  onRefresh: () => void;
  /** The page's time range (from useUrlRange) and its picker's input id; without it, no picker. */
  range?: { id: string; value: string; onChange: (value: string) => void };
  /** Controls and summaries beside the range picker. */
  toolbar?: ReactNode;
  children: ReactNode;
}

export function ListPage({ title, subTitle, onRefresh, range, toolbar, children }: ListPageProps) {
  return (
    <Page
      title={title}
      inNav
      subTitle={subTitle}
      actions={
        <Button variant="secondary" icon="sync" onClick={onRefresh}>
          Refresh
        </Button>
      }
    >
      {(range || toolbar) && (
        <Stack gap={2} alignItems="flex-end" wrap="wrap">
          {range && <RangePicker id={range.id} value={range.value} onChange={range.onChange} />}
          {toolbar}
        </Stack>
      )}
      {children}
    </Page>
  );
}
