// Top-level switch: checking session → spinner; signed out → login; signed in → the page for
// the current hash inside the layout (unknown or forbidden paths show a not-found state).
import { useAuth } from './AuthProvider.tsx';
import { useRouter } from './router.tsx';
import { matchRoute } from './routes.tsx';
import { Layout } from './Layout.tsx';
import { LoginPage } from '../pages/login/LoginPage.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { EmptyState, Spinner } from '../ui/States.tsx';
import { Button } from '../ui/Button.tsx';

export function App() {
  const { status, isAdmin } = useAuth();
  const { location, navigate } = useRouter();
  const { t } = useI18n();

  if (status === 'checking') {
    return (
      <div className="center-screen">
        <Spinner />
      </div>
    );
  }
  if (status === 'signed-out') return <LoginPage />;

  const route = matchRoute(location.path, isAdmin);
  const Page = route?.component;
  return (
    <Layout>
      {Page ? (
        <Page key={route.path} />
      ) : (
        <EmptyState title={t('notFound.title')} description={t('notFound.description')} action={<Button onClick={() => navigate('/')}>{t('notFound.home')}</Button>} testId="not-found" />
      )}
    </Layout>
  );
}
