/** @jsxRuntime automatic @jsxImportSource react */
// JSX compiled the same under every runner (tsx applies tsconfig.json only to the files it includes).
/**
 * One notification by email: its title and message, a button that opens it in the app (the deep
 * link marks it read there), and, for a request still open, a line saying a decision waits.
 */
import { Button, Text } from '@react-email/components';
import { Layout } from './layout.js';

export interface NotificationEmailProps {
  title: string;
  message: string;
  /** The deep link, `https://pms.example.com/goals/42?notification=7`. */
  openUrl: string;
  /** "approve or reject", while the request it carries waits for the recipient; null otherwise. */
  decision: string | null;
  /** "goal": what the category's notifications are about, for the footer. */
  about: string;
  preferencesUrl: string;
  unsubscribeUrl: string;
}

const body = { color: '#343a40', fontSize: 15, lineHeight: '22px', margin: '0 0 16px' };
const waiting = { ...body, backgroundColor: '#fff4e6', borderRadius: 6, color: '#d9480f', padding: '8px 12px' };
const button = { backgroundColor: '#1c7ed6', borderRadius: 6, color: '#ffffff', fontSize: 15, fontWeight: 600, padding: '10px 18px' };

export function NotificationEmail({ title, message, openUrl, decision, about, preferencesUrl, unsubscribeUrl }: NotificationEmailProps) {
  return (
    <Layout
      preview={message}
      heading={title}
      reason={`You get this because email is on for ${about} notifications.`}
      preferencesUrl={preferencesUrl}
      unsubscribeUrl={unsubscribeUrl}
    >
      <Text style={body}>{message}</Text>
      {decision && <Text style={waiting}>This is waiting for your decision: {decision} it in PMS Goals.</Text>}
      <Button href={openUrl} style={button}>
        Open in PMS Goals
      </Button>
    </Layout>
  );
}
