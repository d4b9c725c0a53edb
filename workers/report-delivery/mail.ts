/**
 * Summary e-mails over SMTP (nodemailer), one transport per worker process, from PULSE_SMTP_URL.
 * Every exchange has a timeout well inside the channel's lock (core/books/report-delivery-book.ts),
 * so a hung mail server cannot make two workers send the same summary at once.
 */
import { createTransport } from 'nodemailer';
import type { Config } from '../../core/config.js';

export interface SummaryMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; content: Buffer; contentType: string }[];
}

export interface Mailer {
  /** Resolves once the server accepted the message for at least one recipient; the refused ones are listed. */
  send(mail: SummaryMail): Promise<{ accepted: string[]; rejected: string[] }>;
  close(): void;
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A mailer, or null when no SMTP server is configured (e-mail is then skipped). */
export function createMailer(config: Pick<Config, 'mail' | 'reportDelivery'>): Mailer | null {
  const { smtpUrl, from } = config.mail;
  if (!smtpUrl) return null;
  const timeout = config.reportDelivery.smtpTimeoutMs;
  const transport = createTransport(
    { url: smtpUrl, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout },
    { from },
  );
  return {
    async send(mail) {
      const info = await transport.sendMail(mail);
      const list = (xs: unknown[] | undefined) => (xs ?? []).map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
      return { accepted: list(info.accepted), rejected: list(info.rejected) };
    },
    close() {
      transport.close();
    },
  };
}
