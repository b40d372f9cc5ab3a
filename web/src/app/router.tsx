/**
 * The console's pages. Client paths are chosen apart from the API's paths (functions/topology/routes.ts),
 * because locally both are served from one origin and an API route wins a direct load. Each
 * feature is its own chunk (React.lazy), so a requester never downloads the agent workspace.
 */
import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { Empty, Loading } from '../components/states';
import { useSession } from './auth/auth';
import { isStaff } from './auth/roles';
import { RequireAuth, SignInCallback } from './auth/routes';
import { Shell } from './shell/shell';
import { text } from './text';

const MyCases = lazy(() => import('../features/portal/my-cases'));
const PortalCase = lazy(() => import('../features/portal/portal-case'));
const Intake = lazy(() => import('../features/intake/intake-page'));
const Inbox = lazy(() => import('../features/inbox/inbox-page'));
const AgentCase = lazy(() => import('../features/cases/case-page'));
const Board = lazy(() => import('../features/board/board-page'));
const Admin = lazy(() => import('../features/admin/admin-page'));

const page = (element: ReactNode) => <Suspense fallback={<Loading />}>{element}</Suspense>;

/** Where "/" leads: the inbox for staff, my cases for a requester. */
function Home() {
  const session = useSession();
  return <Navigate to={isStaff(session.roles) ? '/inbox' : '/my'} replace />;
}

function NotFound() {
  return (
    <>
      <h1>{text.notFound}</h1>
      <Empty title={text.notFoundDetail} />
    </>
  );
}

export function createRouter() {
  return createBrowserRouter([
    { path: '/auth/callback', element: <SignInCallback /> },
    {
      element: (
        <RequireAuth>
          <Shell />
        </RequireAuth>
      ),
      children: [
        { path: '/', element: <Home /> },
        { path: '/my', element: page(<MyCases />) },
        { path: '/my/new', element: page(<Intake />) },
        { path: '/my/cases/:caseId', element: page(<PortalCase />) },
        { path: '/inbox', element: page(<Inbox />) },
        { path: '/inbox/cases/:caseId', element: page(<AgentCase />) },
        { path: '/board', element: page(<Board />) },
        { path: '/admin/*', element: page(<Admin />) },
        { path: '*', element: <NotFound /> },
      ],
    },
  ]);
}
