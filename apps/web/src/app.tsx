import { createTheme, MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { ApiProvider } from './api/api-provider';
import type { ApiSession } from './api/connection';
import { AuthGate } from './auth/auth-gate';
import { styleNonce } from './csp-nonce';
import { ThemeColor } from './ui/theme-color';

const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  // Keyboard users always see where focus is; mouse clicks do not leave rings behind.
  focusRing: 'auto',
  // No sliding and fading for people who ask their system for less motion.
  respectReducedMotion: true,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
});

export function App({ session }: { session: ApiSession }) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto" getStyleNonce={() => styleNonce}>
      <ThemeColor />
      <ApiProvider session={session}>
        {/* Bottom right: toasts never cover the header's bell and connection state. Inside the
            API provider: request toasts approve and reject from the toast itself. */}
        <Notifications position="bottom-right" limit={5} />
        <AuthGate />
      </ApiProvider>
    </MantineProvider>
  );
}
