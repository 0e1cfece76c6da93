import { ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { SignIn } from './pages/SignIn.tsx';
import { Shell } from './Shell.tsx';

// Each screen is loaded when first opened: a role's landing screen carries only what it shows.
const router = createBrowserRouter(
  [
    // The sign-in form is also the shell's sign-in-again dialog: it is in the first chunk anyway.
    { path: '/sign-in', Component: SignIn },
    // The identity provider's callback (authorization code with PKCE).
    { path: '/signed-in', lazy: async () => ({ Component: (await import('./pages/SignedIn.tsx')).SignedIn }) },
    {
      path: '/',
      Component: Shell,
      children: [
        { index: true, lazy: async () => ({ Component: (await import('./pages/figures/Figures.tsx')).Figures }) },
        { path: 'hospital-desk', lazy: async () => ({ Component: (await import('./pages/hospital/HospitalDesk.tsx')).HospitalDesk }) },
        { path: 'persons', lazy: async () => ({ Component: (await import('./pages/caseworker/PersonLookup.tsx')).PersonLookup }) },
        { path: 'applications/new', lazy: async () => ({ Component: (await import('./pages/caseworker/NewApplication.tsx')).NewApplication }) },
        { path: 'applications/mine', lazy: async () => ({ Component: (await import('./pages/caseworker/MyApplications.tsx')).MyApplications }) },
        { path: 'applications/:id', lazy: async () => ({ Component: (await import('./pages/common/ApplicationDetail.tsx')).ApplicationDetail }) },
        { path: 'review', lazy: async () => ({ Component: (await import('./pages/reviewer/ReviewQueue.tsx')).ReviewQueue }) },
        { path: 'registry/import', lazy: async () => ({ Component: (await import('./pages/reviewer/RegistryImport.tsx')).RegistryImport }) },
        { path: 'recipients', lazy: async () => ({ Component: (await import('./pages/reviewer/RecipientStatus.tsx')).RecipientStatus }) },
        { path: 'reviews-due', lazy: async () => ({ Component: (await import('./pages/reviewer/ReviewsDue.tsx')).ReviewsDue }) },
        { path: 'enrolments', lazy: async () => ({ Component: (await import('./pages/reviewer/Enrolments.tsx')).Enrolments }) },
        { path: 'payee-changes', lazy: async () => ({ Component: (await import('./pages/common/PayeeChange.tsx')).PayeeChange }) },
        { path: 'payouts', lazy: async () => ({ Component: (await import('./pages/finance/Batches.tsx')).Batches }) },
        { path: 'payouts/new', lazy: async () => ({ Component: (await import('./pages/finance/NewBatch.tsx')).NewBatch }) },
        { path: 'payouts/:id', lazy: async () => ({ Component: (await import('./pages/finance/BatchDetail.tsx')).BatchDetail }) },
        { path: '*', lazy: async () => ({ Component: (await import('./pages/NotFound.tsx')).NotFound }) },
      ],
    },
    // The notice prints on its own page, without the console's frame.
    { path: '/applications/:id/notice', lazy: async () => ({ Component: (await import('./pages/reviewer/Notice.tsx')).Notice }) },
  ],
  { basename: '/console' },
);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* Darker than antd's defaults so text keeps a 4.5:1 contrast (WCAG AA; axe checks it). */}
    <ConfigProvider
      locale={zhCN}
      theme={{
        token: {
          colorPrimary: '#0958d9',
          colorLink: '#0958d9',
          colorPrimaryHover: '#003eb3',
          colorPrimaryActive: '#002c8c',
          colorLinkHover: '#003eb3',
          colorLinkActive: '#002c8c',
          colorError: '#cf1322',
          colorTextDescription: 'rgba(0, 0, 0, 0.65)',
          colorTextTertiary: 'rgba(0, 0, 0, 0.65)',
          colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
        },
      }}
    >
      <RouterProvider router={router} />
    </ConfigProvider>
  </StrictMode>,
);
