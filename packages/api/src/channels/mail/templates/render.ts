import type { ReactElement } from 'react';
import { render } from '@react-email/components';

export interface RenderedMail {
  html: string;
  text: string;
}

/** One template, both bodies: HTML for mail clients, plain text for the rest (and for spam filters). */
export async function renderMail(template: ReactElement): Promise<RenderedMail> {
  const [html, text] = await Promise.all([render(template), render(template, { plainText: true })]);
  return { html, text };
}
