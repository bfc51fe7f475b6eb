import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiSession } from './api/connection';
import { App } from './app';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App session={new ApiSession()} />
  </StrictMode>,
);
