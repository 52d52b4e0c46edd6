import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nProvider } from './i18n/I18nProvider.tsx';
import { AuthProvider } from './app/AuthProvider.tsx';
import { RouterProvider } from './app/router.tsx';
import { ToastProvider } from './ui/Toast.tsx';
import { App } from './app/App.tsx';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <RouterProvider>
        <ToastProvider>
          <AuthProvider>
            <App />
          </AuthProvider>
        </ToastProvider>
      </RouterProvider>
    </I18nProvider>
  </StrictMode>,
);
