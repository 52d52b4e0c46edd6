// Usage building blocks shared by the dashboard and the usage page.
import { useQuery } from 'urql';
import { USAGE_SUMMARY_QUERY } from '../../graphql/queries/usage-summary.ts';
import { DAILY_USAGE_QUERY } from '../../graphql/queries/daily-usage.ts';
import { USAGE_BY_MODEL_QUERY } from '../../graphql/queries/usage-by-model.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { StatCard } from '../../ui/Card.tsx';
import { BarChart, LineChart } from '../../ui/Chart.tsx';
import { EmptyState, ErrorState, Skeleton } from '../../ui/States.tsx';
import { formatNumber, formatShare, formatUsd } from '../../ui/format.ts';
import { formatAxisUsd, usdToPlot } from '../../ui/chart-scale.ts';
import { fillDays } from './daily-rows.ts';

/** Four key figures: requests, tokens, today's cost, total cost. */
export function UsageSummaryCards() {
  const { t } = useI18n();
  const [{ data, error, fetching }, refetch] = useQuery({ query: USAGE_SUMMARY_QUERY });
  if (error && !data) return <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  const s = data?.usageSummary;
  const value = (v: string) => (fetching && !s ? <span className="skeleton-inline" /> : v);
  return (
    <div className="stat-grid" data-testid="usage-summary">
      <StatCard label={t('usage.totalRequests')} value={value(formatNumber(s?.totalRequests))} hint={s ? t('usage.today', { value: formatNumber(s.todayRequests) }) : undefined} testId="stat-requests" />
      <StatCard label={t('usage.totalTokens')} value={value(formatNumber(s?.totalTokens, true))} hint={s ? t('usage.today', { value: formatNumber(s.todayTokens, true) }) : undefined} testId="stat-tokens" />
      <StatCard label={t('usage.todayCost')} value={value(formatUsd(s?.todayCost))} testId="stat-today-cost" />
      <StatCard label={t('usage.totalCost')} value={value(formatUsd(s?.totalCost))} testId="stat-total-cost" />
    </div>
  );
}

export function useDailyUsage(from: string, to: string) {
  return useQuery({ query: DAILY_USAGE_QUERY, variables: { from, to } });
}

export function useUsageByModel(from: string, to: string) {
  return useQuery({ query: USAGE_BY_MODEL_QUERY, variables: { from, to } });
}

/** Daily cost line chart for a date range. */
export function DailyCostChart({ from, to, metric = 'cost' }: { from: string; to: string; metric?: 'cost' | 'requests' | 'tokens' }) {
  const { t } = useI18n();
  const [{ data, error, fetching }, refetch] = useDailyUsage(from, to);
  if (error && !data) return <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!data && fetching) return <Skeleton rows={5} />;
  const days = fillDays(data?.dailyUsage ?? [], from, to);
  if (!days.some((d) => d.requests > 0)) return <EmptyState title={t('usage.noData')} description={t('usage.noDataHint')} />;
  const points = days.map((d) =>
    metric === 'cost'
      ? { label: d.day, value: usdToPlot(d.cost), detail: formatUsd(d.cost) }
      : { label: d.day, value: metric === 'requests' ? d.requests : d.totalTokens, detail: formatNumber(metric === 'requests' ? d.requests : d.totalTokens) },
  );
  const format = metric === 'cost' ? formatAxisUsd : (v: number) => formatNumber(v, true);
  return <LineChart points={points} format={format} testId="daily-chart" />;
}

/** Cost per model as bars with the share of total cost. */
export function ModelShareChart({ from, to, limit = 8 }: { from: string; to: string; limit?: number }) {
  const { t } = useI18n();
  const [{ data, error, fetching }, refetch] = useUsageByModel(from, to);
  if (error && !data) return <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!data && fetching) return <Skeleton rows={4} />;
  const rows = [...(data?.usageByModel ?? [])].sort((a, b) => usdToPlot(b.cost) - usdToPlot(a.cost)).slice(0, limit);
  if (rows.length === 0) return <EmptyState title={t('usage.noData')} />;
  return <BarChart points={rows.map((r) => ({ label: r.model, value: usdToPlot(r.cost), detail: `${formatUsd(r.cost)} · ${formatShare(r.costShare)}` }))} testId="model-chart" />;
}
