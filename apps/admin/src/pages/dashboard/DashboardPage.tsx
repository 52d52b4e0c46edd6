// Landing page: the caller's usage at a glance, the last 14 days and the top models; admins
// also see the health of the upstream account pool.
import { useQuery } from 'urql';
import { ACCOUNTS_QUERY } from '../../graphql/queries/accounts.ts';
import { useAuth } from '../../app/AuthProvider.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Card, PageHeader, StatCard } from '../../ui/Card.tsx';
import { Link } from '../../app/router.tsx';
import { ErrorState } from '../../ui/States.tsx';
import { isoDay } from '../../ui/format.ts';
import { DailyCostChart, ModelShareChart, UsageSummaryCards } from '../usage/usage-widgets.tsx';

function AccountHealth() {
  const { t } = useI18n();
  const [{ data, error }, refetch] = useQuery({ query: ACCOUNTS_QUERY });
  if (error && !data) return <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  const accounts = data?.accounts ?? [];
  const now = Date.now();
  const active = accounts.filter((a) => a.status === 'ACTIVE' && a.schedulable && !(a.cooldownUntil && Date.parse(a.cooldownUntil) > now)).length;
  const cooling = accounts.filter((a) => a.cooldownUntil && Date.parse(a.cooldownUntil) > now).length;
  const broken = accounts.filter((a) => a.status === 'ERROR' || a.status === 'DISABLED').length;
  return (
    <div className="stat-grid stat-grid-3" data-testid="account-health">
      <StatCard label={t('dashboard.accountsReady')} value={data ? `${active} / ${accounts.length}` : '…'} />
      <StatCard label={t('dashboard.accountsCooling')} value={data ? cooling : '…'} />
      <StatCard label={t('dashboard.accountsBroken')} value={data ? broken : '…'} />
    </div>
  );
}

export function DashboardPage() {
  const { t } = useI18n();
  const { user, isAdmin } = useAuth();
  const from = isoDay(13);
  const to = isoDay(0);
  return (
    <div className="page" data-testid="page-dashboard">
      <PageHeader title={t('dashboard.title')} description={t('dashboard.welcome', { name: user?.username ?? '' })} />
      <UsageSummaryCards />
      <div className="grid-2">
        <Card title={t('dashboard.last14Days')} actions={<Link to="/usage">{t('dashboard.viewUsage')}</Link>}>
          <DailyCostChart from={from} to={to} />
        </Card>
        <Card title={t('dashboard.topModels')}>
          <ModelShareChart from={from} to={to} limit={6} />
        </Card>
      </div>
      {isAdmin && (
        <Card title={t('dashboard.accountPool')} actions={<Link to="/accounts">{t('dashboard.manageAccounts')}</Link>}>
          <AccountHealth />
        </Card>
      )}
    </div>
  );
}
