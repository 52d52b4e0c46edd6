// Usage: summary cards, a date-range filter driving the daily chart + table and the by-model
// breakdown (share of cost), and the caller's request records paged on the server.
import { useState } from 'react';
import { useQuery } from 'urql';
import { USAGE_RECORDS_QUERY } from '../../graphql/queries/usage-records.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Card, PageHeader } from '../../ui/Card.tsx';
import { Checkbox, Input, Select } from '../../ui/Field.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { Table, useCursorPages, type Column } from '../../ui/Table.tsx';
import { Tabs } from '../../ui/Tabs.tsx';
import { formatNumber, formatShare, formatUsd, isoDay, nextDay, startOfLocalDay } from '../../ui/format.ts';
import { DailyCostChart, ModelShareChart, UsageSummaryCards, useDailyUsage, useUsageByModel } from './usage-widgets.tsx';
import { dailyTableRows } from './daily-rows.ts';
import { usageRecordColumns } from './usage-record-columns.tsx';
import { downloadUsageCsv, usageCsvUrl } from './export-csv.ts';
import { Button } from '../../ui/Button.tsx';
import { useToast } from '../../ui/Toast.tsx';
import type { DailyUsage } from '../../graphql/queries/daily-usage.ts';
import type { ModelUsage } from '../../graphql/queries/usage-by-model.ts';

const PAGE_SIZE = 25;

function DailyTable({ from, to }: { from: string; to: string }) {
  const { t } = useI18n();
  const [includeEmpty, setIncludeEmpty] = useState(false);
  const [{ data, error, fetching }, refetch] = useDailyUsage(from, to);
  const rows = data ? dailyTableRows(data.dailyUsage, from, to, includeEmpty) : undefined;
  const columns: Column<DailyUsage>[] = [
    { key: 'date', header: t('usage.date'), render: (d) => <span className="nowrap">{d.day}</span> },
    { key: 'requests', header: t('usage.requests'), align: 'right', render: (d) => formatNumber(d.requests), mobile: 'half' },
    { key: 'tokens', header: t('usage.tokens'), align: 'right', render: (d) => formatNumber(d.totalTokens), mobile: 'half' },
    { key: 'cost', header: t('usage.cost'), align: 'right', render: (d) => formatUsd(d.cost) },
  ];
  return (
    <>
      <div className="filter-bar">
        <Checkbox label={t('usage.showEmptyDays')} checked={includeEmpty} onChecked={setIncludeEmpty} testId="daily-show-empty" />
      </div>
      <Table
        columns={columns}
        rows={rows}
        rowKey={(d) => d.day}
        loading={fetching}
        error={error}
        onRetry={() => refetch({ requestPolicy: 'network-only' })}
        empty={<EmptyState title={t('usage.noData')} description={t('usage.noDataHint')} />}
        testId="daily-table"
      />
    </>
  );
}

function ModelTable({ from, to }: { from: string; to: string }) {
  const { t } = useI18n();
  const [{ data, error, fetching }, refetch] = useUsageByModel(from, to);
  const columns: Column<ModelUsage>[] = [
    { key: 'model', header: t('usage.model'), render: (m) => <span className="mono">{m.model}</span> },
    { key: 'requests', header: t('usage.requests'), align: 'right', render: (m) => formatNumber(m.requests), mobile: 'half' },
    { key: 'tokens', header: t('usage.tokens'), align: 'right', render: (m) => formatNumber(m.totalTokens), mobile: 'half' },
    { key: 'cost', header: t('usage.cost'), align: 'right', render: (m) => formatUsd(m.cost), mobile: 'half' },
    {
      key: 'share',
      header: t('usage.share'),
      align: 'right',
      mobile: 'half',
      render: (m) => (
        <div className="share-cell">
          <span className="share-bar" style={{ width: `${Math.min(100, m.costShare * 100)}%` }} />
          <span>{formatShare(m.costShare)}</span>
        </div>
      ),
    },
  ];
  return <Table columns={columns} rows={data?.usageByModel} rowKey={(m) => m.model} loading={fetching} error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} empty={<EmptyState title={t('usage.noData')} />} testId="model-table" />;
}

function RecordsTable({ from, to }: { from: string; to: string }) {
  const { t } = useI18n();
  const pages = useCursorPages();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: USAGE_RECORDS_QUERY,
    variables: { filter: { since: startOfLocalDay(from), until: startOfLocalDay(nextDay(to)) }, page: { after: pages.after, limit: PAGE_SIZE } },
  });
  return (
    <Table
      columns={usageRecordColumns(t)}
      rows={data?.usageRecords.items}
      rowKey={(r) => r.requestId}
      loading={fetching}
      error={error}
      onRetry={() => refetch({ requestPolicy: 'network-only' })}
      cursorPaging={pages.paging(data?.usageRecords.nextCursor)}
      empty={<EmptyState title={t('usage.noRecords')} />}
      testId="records-table"
    />
  );
}

export function UsagePage() {
  const { t } = useI18n();
  const [from, setFrom] = useState(isoDay(29));
  const [to, setTo] = useState(isoDay(0));
  const [metric, setMetric] = useState<'cost' | 'requests' | 'tokens'>('cost');
  const [tab, setTab] = useState('daily');
  const rangeError = from > to ? t('usage.rangeError') : null;
  const toast = useToast();
  const [exporting, setExporting] = useState(false);
  // The Requests tab exports its records; the other tabs the daily rollups of the same range.
  const exportCsv = () => {
    setExporting(true);
    downloadUsageCsv(usageCsvUrl(tab === 'records' ? 'records' : 'daily', from, to))
      .catch((err: unknown) => toast.show(t('usage.exportFailed', { message: (err as Error).message }), 'error'))
      .finally(() => setExporting(false));
  };
  const preset = (days: number) => {
    setFrom(isoDay(days - 1));
    setTo(isoDay(0));
  };

  return (
    <div className="page" data-testid="page-usage">
      <PageHeader
        title={t('usage.title')}
        description={t('usage.description')}
        actions={
          <Button onClick={exportCsv} loading={exporting} disabled={!!rangeError} testId="usage-export-csv">
            {t('usage.exportCsv')}
          </Button>
        }
      />
      <UsageSummaryCards />
      <Card>
        <div className="filter-bar">
          <Input label={t('usage.from')} type="date" value={from} max={to} onValue={(v) => v && setFrom(v)} testId="usage-from" error={rangeError} />
          <Input label={t('usage.to')} type="date" value={to} min={from} onValue={(v) => v && setTo(v)} testId="usage-to" />
          <div className="preset-buttons">
            {[7, 30, 90].map((d) => (
              <button key={d} type="button" className="chip" onClick={() => preset(d)} data-testid={`usage-preset-${d}`}>
                {t('usage.lastDays', { n: d })}
              </button>
            ))}
          </div>
        </div>
      </Card>
      {!rangeError && (
        <>
          <div className="grid-2">
            <Card
              title={t('usage.trend')}
              actions={
                <Select
                  aria-label={t('usage.metric')}
                  value={metric}
                  onValue={(v) => setMetric(v as typeof metric)}
                  options={[
                    { value: 'cost', label: t('usage.cost') },
                    { value: 'requests', label: t('usage.requests') },
                    { value: 'tokens', label: t('usage.tokens') },
                  ]}
                />
              }
            >
              <DailyCostChart from={from} to={to} metric={metric} />
            </Card>
            <Card title={t('usage.byModel')}>
              <ModelShareChart from={from} to={to} />
            </Card>
          </div>
          <Tabs
            tabs={[
              { id: 'daily', label: t('usage.daily') },
              { id: 'models', label: t('usage.byModel') },
              { id: 'records', label: t('usage.records') },
            ]}
            active={tab}
            onChange={setTab}
          />
          <Card>
            {tab === 'daily' && <DailyTable from={from} to={to} />}
            {tab === 'models' && <ModelTable from={from} to={to} />}
            {tab === 'records' && <RecordsTable key={`${from}|${to}`} from={from} to={to} />}
          </Card>
        </>
      )}
    </div>
  );
}
