/** The frame around every signed-in page: skip link, header with who is signed in, navigation for their role. */
import { NavLink, Outlet } from 'react-router';
import { useAuth, useSession } from '../auth/auth';
import { isStaff } from '../auth/roles';
import { text } from '../text';
import { LiveIndicator } from './live-indicator';

export function Shell() {
  const session = useSession();
  const { signOut } = useAuth();
  const staff = isStaff(session.roles);
  const requester = session.roles.includes('requester');
  return (
    <>
      <a className="skip-link" href="#main">
        {text.skipToContent}
      </a>
      <header className="app-header">
        <span className="brand">{text.appName}</span>
        <nav aria-label={text.mainNav}>
          <ul>
            {requester ? (
              <>
                <li>
                  <NavLink to="/my" end>
                    {text.nav.myCases}
                  </NavLink>
                </li>
                <li>
                  <NavLink to="/my/new">{text.nav.newCase}</NavLink>
                </li>
              </>
            ) : null}
            {staff ? (
              <li>
                <NavLink to="/inbox">{text.nav.inbox}</NavLink>
              </li>
            ) : null}
            {session.roles.includes('supervisor') || session.roles.includes('admin') ? (
              <li>
                <NavLink to="/board">{text.nav.board}</NavLink>
              </li>
            ) : null}
            {session.roles.includes('admin') ? (
              <li>
                <NavLink to="/admin">{text.nav.admin}</NavLink>
              </li>
            ) : null}
          </ul>
        </nav>
        <div className="who">
          <LiveIndicator />
          <span>
            <span className="visually-hidden">{text.signedInAs} </span>
            <strong data-testid="signed-in-user">{session.name}</strong>{' '}
            <span className="role">({session.roles.map((role) => text.roles[role]).join(', ') || '—'})</span>
          </span>
          <button type="button" className="secondary" onClick={() => void signOut()}>
            {text.signOut}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
