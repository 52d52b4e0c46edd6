// Audit log (admin): who changed what, when, from where; a row expands to before/after.
import { Fragment, useState } from 'react';
import { useQuery } from 'urql';
import { AUDIT_LOGS_QUERY } from '../../graphql/queries/audit-logs.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { Card, PageHeader } from '../../ui/Card.tsx';
import { Input } from '../../ui/Field.tsx';
import { EmptyState, ErrorState, Skeleton } from '../../ui/States.tsx';
import { Pager } from '../../ui/Table.tsx';
import { formatDateTime, formatIp } from '../../ui/format.ts';
import { useDebounced } from '../../ui/use-debounced.ts';

const PAGE_SIZE = 25;

/** Pretty JSON for the before/after panes ("—" when absent). */
export function prettyJson(value: unknown): string {
  return value === null || value === undefined ? '—' : JSON.stringify(value, null, 2);
}

export function AuditPage() {
  const { t } = useI18n();
  const [offset, setOffset] = useState(0);
  const [action, setAction] = useState('');
  const [targetType, setTargetType] = useState('');
  const [expanded, setExpanded] = useState<string | null>(null);
  const filterAction = useDebounced(action.trim(), 300);
  const filterTarget = useDebounced(targetType.trim(), 300);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: AUDIT_LOGS_QUERY,
    variables: { filter: { action: filterAction || null, targetType: filterTarget || null }, page: { offset, limit: PAGE_SIZE } },
  });
  const items = data?.auditLogs.items;

  let body;
  if (error && !items) body = <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  else if (!items) body = <Skeleton rows={6} />;
  else if (items.length === 0) body = <EmptyState title={t('audit.empty')} />;
  else
    body = (
      <div className="table-wrap">
        <div className="table-scroll">
          <table className={`table table-stack${fetching ? ' table-stale' : ''}`} data-testid="audit-table">
            <thead>
              <tr>
                <th>{t('audit.time')}</th>
                <th>{t('audit.actor')}</th>
                <th>{t('audit.action')}</th>
                <th>{t('audit.target')}</th>
                <th>{t('audit.ip')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((log) => (
                <Fragment key={log.id}>
                  <tr data-testid={`row-${log.id}`} className="row-clickable" onClick={() => setExpanded(expanded === log.id ? null : log.id)} aria-expanded={expanded === log.id}>
                    <td className="cell-sub nowrap cell-m-field" data-label={t('audit.time')}>
                      {formatDateTime(log.createdAt)}
                    </td>
                    <td className="cell-strong cell-m-title">{log.actorName}</td>
                    <td className="cell-m-aside">
                      <Badge tone="info">{log.action}</Badge>
                    </td>
                    <td className="mono nowrap cell-m-field" data-label={t('audit.target')}>
                      {log.targetType}
                      {log.targetId ? ` #${log.targetId}` : ''}
                    </td>
                    <td className="cell-sub cell-m-field" data-label={t('audit.ip')} data-testid={`audit-ip-${log.id}`}>
                      {formatIp(log.ip)}
                    </td>
                  </tr>
                  {expanded === log.id && (
                    <tr className="row-detail">
                      <td colSpan={5} className="cell-m-detail">
                        <div className="diff-grid">
                          <div>
                            <div className="diff-label">{t('audit.before')}</div>
                            <pre className="code-block">{prettyJson(log.before)}</pre>
                          </div>
                          <div>
                            <div className="diff-label">{t('audit.after')}</div>
                            <pre className="code-block">{prettyJson(log.after)}</pre>
                          </div>
                        </div>
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
        <Pager offset={offset} limit={PAGE_SIZE} total={data?.auditLogs.total ?? 0} onChange={setOffset} />
      </div>
    );

  return (
    <div className="page" data-testid="page-audit">
      <PageHeader title={t('audit.title')} description={t('audit.description')} />
      <Card>
        <div className="filter-bar">
          <Input placeholder={t('audit.filterAction')} aria-label={t('audit.filterAction')} value={action} onValue={(v) => { setAction(v); setOffset(0); }} testId="audit-filter-action" />
          <Input placeholder={t('audit.filterTarget')} aria-label={t('audit.filterTarget')} value={targetType} onValue={(v) => { setTargetType(v); setOffset(0); }} testId="audit-filter-target" />
        </div>
        {body}
      </Card>
    </div>
  );
}
