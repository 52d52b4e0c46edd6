// Data table with server-side paging: the page asks the API for one offset/limit window and
// hands the total here. Loading shows a skeleton, errors and empty results their own states.
import type { ReactNode } from 'react';
import type { CombinedError } from 'urql';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { Button } from './Button.tsx';
import { EmptyState, ErrorState, Skeleton } from './States.tsx';

export interface Column<Row> {
  key: string;
  header: ReactNode;
  render(row: Row): ReactNode;
  align?: 'left' | 'right' | 'center';
  width?: string;
  /** Hidden below 720px to keep phone layouts readable. */
  hideOnMobile?: boolean;
}

export interface Paging {
  offset: number;
  limit: number;
  total: number;
  onChange(offset: number): void;
}

export interface TableProps<Row> {
  columns: readonly Column<Row>[];
  rows: readonly Row[] | undefined;
  rowKey(row: Row): string;
  loading?: boolean;
  error?: CombinedError | Error;
  onRetry?(): void;
  empty?: ReactNode;
  paging?: Paging;
  onRowClick?(row: Row): void;
  rowClassName?(row: Row): string | undefined;
  testId?: string;
}

export function Table<Row>({ columns, rows, rowKey, loading, error, onRetry, empty, paging, onRowClick, rowClassName, testId }: TableProps<Row>) {
  if (error && !rows?.length) return <ErrorState error={error} onRetry={onRetry} />;
  if (!rows && loading) return <Skeleton rows={5} />;
  if (!rows || rows.length === 0) return <>{empty ?? <EmptyState />}</>;
  return (
    <div className="table-wrap" data-testid={testId}>
      <div className="table-scroll">
        <table className={`table${loading ? ' table-stale' : ''}`}>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.key} style={{ textAlign: c.align ?? 'left', width: c.width }} className={c.hideOnMobile ? 'hide-mobile' : undefined}>
                  {c.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const id = rowKey(row);
              return (
                <tr
                  key={id}
                  data-testid={`row-${id}`}
                  className={[onRowClick ? 'row-clickable' : '', rowClassName?.(row) ?? ''].join(' ').trim() || undefined}
                  onClick={onRowClick ? () => onRowClick(row) : undefined}
                >
                  {columns.map((c) => (
                    <td key={c.key} style={{ textAlign: c.align ?? 'left' }} className={c.hideOnMobile ? 'hide-mobile' : undefined}>
                      {c.render(row)}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {paging && <Pager {...paging} />}
    </div>
  );
}

/** "1–20 of 134" with previous/next buttons. */
export function Pager({ offset, limit, total, onChange }: Paging) {
  const { t } = useI18n();
  if (total <= limit && offset === 0) return null;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  return (
    <div className="pager" data-testid="pager">
      <span className="pager-range">{t('table.range', { from, to, total })}</span>
      <Button size="sm" variant="ghost" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))} testId="pager-prev">
        {t('table.prev')}
      </Button>
      <Button size="sm" variant="ghost" disabled={offset + limit >= total} onClick={() => onChange(offset + limit)} testId="pager-next">
        {t('table.next')}
      </Button>
    </div>
  );
}
