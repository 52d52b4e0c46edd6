// Data table with server-side paging: the page asks the API for one offset/limit window and
// hands the total here. Loading shows a skeleton, errors and empty results their own states.
// On phones (≤720px) each row turns into a small card: a title line, then "label  value" lines,
// then the row's buttons, so nothing is cut off at the screen edge (see .table-stack in CSS).
import { useState, type ReactNode } from 'react';
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
  /** Label in the phone card layout when `header` is not plain text. */
  label?: string;
  /**
   * Role of the cell in the phone card layout; when omitted: hidden if hideOnMobile, 'actions'
   * for the key 'actions', 'lead' for a non-text header (a checkbox), 'title' for the first
   * text column, otherwise 'field' (a "label  value" line).
   */
  mobile?: MobileRole;
}

/**
 * Phone card roles: 'title' heads the card, 'lead' sits before it (a checkbox), 'aside' after
 * it (a status badge), 'field' is a "label  value" line, 'half' a field taking half a line,
 * 'actions' the button row at the bottom, 'hidden' is left out.
 */
export type MobileRole = 'title' | 'lead' | 'aside' | 'field' | 'half' | 'actions' | 'hidden';

/** Resolves each column's phone role (see Column.mobile) and its label. */
export function mobileLayout<Row>(columns: readonly Column<Row>[]): { role: MobileRole; label: string }[] {
  let titled = columns.some((c) => c.mobile === 'title');
  return columns.map((c) => {
    const label = c.label ?? (typeof c.header === 'string' ? c.header : '');
    if (c.mobile) return { role: c.mobile, label };
    if (c.hideOnMobile) return { role: 'hidden', label };
    if (c.key === 'actions') return { role: 'actions', label };
    if (!label) return { role: typeof c.header === 'string' ? 'actions' : 'lead', label };
    if (!titled) {
      titled = true;
      return { role: 'title', label };
    }
    return { role: 'field', label };
  });
}

/** Class names of a cell for its phone role. */
export function mobileCellClass(role: MobileRole): string {
  return `cell-m-${role}${role === 'hidden' ? ' hide-mobile' : ''}`;
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
  /** Cursor paging instead of offset paging. */
  cursorPaging?: CursorPaging;
  onRowClick?(row: Row): void;
  rowClassName?(row: Row): string | undefined;
  testId?: string;
}

export function Table<Row>({ columns, rows, rowKey, loading, error, onRetry, empty, paging, cursorPaging, onRowClick, rowClassName, testId }: TableProps<Row>) {
  if (error && !rows?.length) return <ErrorState error={error} onRetry={onRetry} />;
  if (!rows && loading) return <Skeleton rows={5} />;
  if (!rows || rows.length === 0) return <>{empty ?? <EmptyState />}</>;
  const layout = mobileLayout(columns);
  return (
    <div className="table-wrap" data-testid={testId}>
      <div className="table-scroll">
        <table className={`table table-stack${loading ? ' table-stale' : ''}`}>
          <thead>
            <tr>
              {columns.map((c, i) => (
                <th key={c.key} style={{ textAlign: c.align ?? 'left', width: c.width }} className={layout[i].role === 'hidden' ? 'hide-mobile' : undefined}>
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
                  {columns.map((c, i) => (
                    <td key={c.key} style={{ textAlign: c.align ?? 'left' }} className={mobileCellClass(layout[i].role)} data-label={layout[i].label || undefined}>
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
      {cursorPaging && <CursorPager {...cursorPaging} />}
    </div>
  );
}

/** Keyset paging: newer/older buttons, no total (the server never counts the whole list). */
export interface CursorPaging {
  /** 0 for the newest page. */
  page: number;
  hasNext: boolean;
  onPrev(): void;
  onNext(): void;
}

/** "Page 3" with previous/next buttons, for lists paged by cursor (usage records). */
export function CursorPager({ page, hasNext, onPrev, onNext }: CursorPaging) {
  const { t } = useI18n();
  if (page === 0 && !hasNext) return null;
  return (
    <div className="pager" data-testid="pager">
      <span className="pager-range">{t('table.page', { n: page + 1 })}</span>
      <Button size="sm" variant="ghost" disabled={page === 0} onClick={onPrev} testId="pager-prev">
        {t('table.prev')}
      </Button>
      <Button size="sm" variant="ghost" disabled={!hasNext} onClick={onNext} testId="pager-next">
        {t('table.next')}
      </Button>
    </div>
  );
}

/** The cursor stack behind a CursorPager: `after` is the cursor of the page shown (null: the newest). */
export function useCursorPages(): { after: string | null; paging(nextCursor: string | null | undefined): CursorPaging; reset(): void } {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const page = cursors.length - 1;
  return {
    after: cursors[page],
    paging: (nextCursor) => ({
      page,
      hasNext: !!nextCursor,
      onPrev: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
      onNext: () => nextCursor && setCursors((c) => [...c, nextCursor]),
    }),
    reset: () => setCursors([null]),
  };
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
