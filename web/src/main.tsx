import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { createUserManager } from './app/auth/auth';
import { loadConfig } from './app/config';
import { createQueryClient, Providers } from './app/providers';
import { createRouter } from './app/router';
import './styles.css';

const root = createRoot(document.getElementById('root')!);

loadConfig().then(
  (config) => {
    const manager = createUserManager(config);
    root.render(
      <StrictMode>
        <Providers config={config} manager={manager} queryClient={createQueryClient(() => void manager.removeUser())}>
          <RouterProvider router={createRouter()} />
        </Providers>
      </StrictMode>,
    );
  },
  (error: unknown) => {
    root.render(
      <main id="main" className="state state-error" role="alert">
        <h1>Caseway could not start</h1>
        <p>{error instanceof Error ? error.message : String(error)}</p>
      </main>,
    );
  },
);
