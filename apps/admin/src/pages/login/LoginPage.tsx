// Sign-in form. Field errors appear under their inputs; a wrong password or a tripped login
// rate limit shows as one message above the button.
import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { LOGIN_MUTATION } from '../../graphql/mutations/login.ts';
import { useAuth } from '../../app/AuthProvider.tsx';
import { LocaleSwitch } from '../../app/Layout.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Button } from '../../ui/Button.tsx';
import { Input } from '../../ui/Field.tsx';
import { errorMessage } from '../../ui/error-message.ts';

export function LoginPage() {
  const { t } = useI18n();
  const { signIn } = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [{ fetching }, login] = useMutation(LOGIN_MUTATION);

  const usernameError = touched && !username.trim() ? t('validation.required') : null;
  const passwordError = touched && !password ? t('validation.required') : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    setFormError(null);
    if (!username.trim() || !password) return;
    const result = await login({ username: username.trim(), password });
    if (result.data?.login) signIn(result.data.login.token, result.data.login.user);
    else if (result.error) {
      const extensions = result.error.graphQLErrors[0]?.extensions;
      const code = extensions?.code;
      const seconds = String(extensions?.retryAfterSeconds ?? 1);
      setFormError(code === 'UNAUTHENTICATED' ? t('login.invalid') : code === 'LIMIT_EXCEEDED' ? t('login.rateLimited', { seconds }) : errorMessage(result.error, t));
    }
  }

  return (
    <div className="login-screen">
      <div className="login-locale">
        <LocaleSwitch />
      </div>
      <form className="login-card" onSubmit={submit} noValidate data-testid="login-form">
        <div className="brand brand-lg">
          <span className="brand-mark" aria-hidden>
            R
          </span>
          <span>{t('app.name')}</span>
        </div>
        <h1 className="login-title">{t('login.title')}</h1>
        <p className="login-subtitle">{t('login.subtitle')}</p>
        <Input label={t('login.username')} value={username} onValue={setUsername} autoComplete="username" autoFocus error={usernameError} testId="login-username" />
        <Input label={t('login.password')} type="password" value={password} onValue={setPassword} autoComplete="current-password" error={passwordError} testId="login-password" />
        {formError && (
          <div className="form-error" role="alert" data-testid="login-error">
            {formError}
          </div>
        )}
        <Button type="submit" variant="primary" loading={fetching} className="btn-block" testId="login-submit">
          {t('login.submit')}
        </Button>
      </form>
    </div>
  );
}
