/** @jsxRuntime automatic @jsxImportSource react */
// JSX compiled the same under every runner (tsx applies tsconfig.json only to the files it includes).
/**
 * The frame every email shares: the product's name, a heading, the content, and a footer that
 * says why the mail came and how to stop it (the preferences page, one-click unsubscribe).
 */
import type { ReactNode } from 'react';
import { Body, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } from '@react-email/components';

export interface LayoutProps {
  /** The line mail clients show after the subject. */
  preview: string;
  heading: string;
  /** Why this mail came, e.g. "You get this because email is on for goals." */
  reason: string;
  preferencesUrl: string;
  /** One-click unsubscribe from this mail's category; absent for mail that has none. */
  unsubscribeUrl?: string;
  children: ReactNode;
}

const page = { backgroundColor: '#f1f3f5', fontFamily: '-apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif', margin: 0, padding: '24px 0' };
const card = { backgroundColor: '#ffffff', borderRadius: 8, margin: '0 auto', maxWidth: 560, padding: '24px 32px' };
const brand = { color: '#1c7ed6', fontSize: 13, fontWeight: 600, letterSpacing: 0.5, margin: 0, textTransform: 'uppercase' as const };
const footer = { color: '#868e96', fontSize: 12, lineHeight: '18px' };

export function Layout({ preview, heading, reason, preferencesUrl, unsubscribeUrl, children }: LayoutProps) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={page}>
        <Container style={card}>
          <Text style={brand}>PMS Goals</Text>
          <Heading as="h1" style={{ color: '#212529', fontSize: 22, margin: '12px 0 16px' }}>
            {heading}
          </Heading>
          <Section>{children}</Section>
          <Hr style={{ borderColor: '#e9ecef', margin: '24px 0 12px' }} />
          <Text style={footer}>
            {reason} Change what you get in your <Link href={preferencesUrl}>notification preferences</Link>
            {unsubscribeUrl && (
              <>
                , or <Link href={unsubscribeUrl}>unsubscribe</Link> from these emails
              </>
            )}
            .
          </Text>
        </Container>
      </Body>
    </Html>
  );
}
