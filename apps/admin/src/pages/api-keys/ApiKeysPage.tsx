// API keys: everyone manages their own; admins get a second tab with all users' keys.
import { useAuth } from '../../app/AuthProvider.tsx';
import { useRouter } from '../../app/router.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { PageHeader } from '../../ui/Card.tsx';
import { Tabs } from '../../ui/Tabs.tsx';
import { AllKeysTab } from './AllKeysTab.tsx';
import { MyKeysTab } from './MyKeysTab.tsx';

export function ApiKeysPage() {
  const { t } = useI18n();
  const { isAdmin } = useAuth();
  const { location, navigate } = useRouter();
  const tab = isAdmin && location.query.get('tab') === 'all' ? 'all' : 'mine';
  return (
    <div className="page" data-testid="page-api-keys">
      <PageHeader title={t('apiKeys.title')} description={t('apiKeys.description')} />
      {isAdmin && (
        <Tabs
          tabs={[
            { id: 'mine', label: t('apiKeys.myKeys') },
            { id: 'all', label: t('apiKeys.allKeys') },
          ]}
          active={tab}
          onChange={(id) => navigate('/api-keys', { tab: id === 'all' ? 'all' : undefined })}
        />
      )}
      {tab === 'all' ? <AllKeysTab /> : <MyKeysTab />}
    </div>
  );
}
