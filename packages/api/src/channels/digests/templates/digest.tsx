/** @jsxRuntime automatic @jsxImportSource react */
// JSX compiled the same under every runner (tsx applies tsconfig.json only to the files it includes).
/**
 * A digest: the notifications still unread (daily, hourly), newest first, or the decisions
 * waiting for the person, oldest first with how long each has waited.
 */
import { Link, Section, Text } from '@react-email/components';
import type { ReactElement } from 'react';
import type { NotificationCategory } from '@pms/shared';
import { Layout } from '../../mail/templates/layout.js';
import type { DigestKind } from '../job.js';

export interface DigestItem {
  title: string;
  message: string;
  /** Opens the notification in the app. */
  url: string;
  createdAt: Date;
}

export interface DigestMailProps {
  kind: DigestKind;
  items: DigestItem[];
  /** Items beyond those named. */
  more: number;
  now: Date;
  preferencesUrl: string;
  unsubscribeUrl: string;
  /** Daily and hourly: one link per category the digest covers, to stop that category's email. */
  categoryLinks: Array<{ category: NotificationCategory; url: string }>;
}

const plural = (count: number, one: string) => `${count} ${one}${count === 1 ? '' : 's'}`;

/** "3 days", "5 hours", "12 minutes": how long a request has waited. */
export function age(since: Date, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 60_000));
  if (minutes >= 2 * 1440) return plural(Math.floor(minutes / 1440), 'day');
  if (minutes >= 120) return plural(Math.floor(minutes / 60), 'hour');
  return plural(minutes, 'minute');
}

const item = { margin: '0 0 14px' };
const title = { color: '#1c7ed6', fontSize: 15, fontWeight: 600 };
const detail = { color: '#495057', fontSize: 14, margin: '2px 0 0' };

export function DigestMail(props: DigestMailProps): { subject: string; element: ReactElement } {
  const total = props.items.length + props.more;
  const decisions = props.kind === 'decisions';
  const heading = decisions
    ? `${plural(total, 'decision')} waiting for you`
    : `${plural(total, 'unread notification')} in your ${props.kind} digest`;
  const subject = decisions ? heading : `Your ${props.kind} digest: ${plural(total, 'unread notification')}`;
  const reason = decisions
    ? 'You get this because the "waiting for your decision" digest is on.'
    : `You get this because email is on, as a ${props.kind} digest, for ${props.categoryLinks.map((link) => link.category).join(', ')}.`;
  const element = (
    <Layout preview={heading} heading={heading} reason={reason} preferencesUrl={props.preferencesUrl} unsubscribeUrl={props.unsubscribeUrl}>
      {props.items.map((entry) => (
        <Section key={entry.url} style={item}>
          <Link href={entry.url} style={title}>
            {entry.title}
          </Link>
          <Text style={detail}>
            {entry.message}
            {decisions && ` (waiting ${age(entry.createdAt, props.now)})`}
          </Text>
        </Section>
      ))}
      {props.more > 0 && <Text style={detail}>and {props.more} more in the app.</Text>}
      {props.categoryLinks.length > 1 && (
        <Text style={detail}>
          Stop emails about{' '}
          {props.categoryLinks.map((link, index) => (
            <span key={link.category}>
              {index > 0 && ', '}
              <Link href={link.url}>{link.category}</Link>
            </span>
          ))}
          .
        </Text>
      )}
    </Layout>
  );
  return { subject, element };
}
