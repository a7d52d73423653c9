import type { Recipient, SystemsConfig } from '../../connectors/config';
import type { RequestRecord } from '../core/domain/request-record';
import type { CategoriesStatement, DisclosuresStatement } from '../core/domain/statement-format';
import { closePage, escapeHtml, facts, list, openPage, table } from './html';

/**
 * The statements answered from the data map alone (the systems configuration and its recipients): no system is
 * searched, so they are the same whether or not anyone holds data about the subject, and never depend on outcomes.
 */
type Header = Pick<CategoriesStatement, 'request' | 'subject'>;

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

/** A recipient as the data map holds it, or one a system names only by its category (free text in `holds`). */
interface MapRecipient {
  category: string;
  role?: Recipient['role'];
  categories: string[];
  purpose?: string;
  sold: boolean;
  shared: boolean;
}

/** CCPA §1798.110(a)(1)–(4), §1798.115(a): what is collected, from where, why, and to whom it goes. */
export function categoriesStatement(header: Header, systems: SystemsConfig): CategoriesStatement {
  const byId = new Map((systems.recipients ?? []).map((r) => [r.id, r]));
  const recipients: MapRecipient[] = (systems.recipients ?? []).map((r) => ({
    category: r.category,
    role: r.role,
    categories: sorted(r.categories),
    purpose: r.purpose,
    sold: r.sold,
    shared: r.shared,
  }));
  // a system may name recipients the data map does not list: disclosed its categories, role unknown
  const named = new Map<string, Set<string>>();
  for (const system of systems.systems)
    for (const name of system.holds.recipients) {
      if (byId.has(name)) continue;
      const categories = named.get(name) ?? new Set<string>();
      for (const category of system.holds.categories) categories.add(category);
      named.set(name, categories);
    }
  for (const [category, categories] of [...named].sort(([a], [b]) => a.localeCompare(b)))
    recipients.push({ category, categories: sorted(categories), sold: false, shared: false });

  const purposes = new Map<string, Set<string>>();
  for (const system of systems.systems) {
    const categories = purposes.get(system.holds.purpose) ?? new Set<string>();
    for (const category of system.holds.categories) categories.add(category);
    purposes.set(system.holds.purpose, categories);
  }
  return {
    format: 'dsar-categories',
    version: 1,
    ...header,
    collected: sorted(systems.systems.flatMap((s) => s.holds.categories)),
    sources: sorted(systems.systems.flatMap((s) => (s.holds.source ? [s.holds.source] : []))),
    purposes: [...purposes].map(([purpose, categories]) => ({ purpose, categories: sorted(categories) })),
    recipients,
    sold: sorted(recipients.filter((r) => r.sold).flatMap((r) => r.categories)),
    shared: sorted(recipients.filter((r) => r.shared).flatMap((r) => r.categories)),
    disclosedForBusinessPurpose: sorted(
      recipients.filter((r) => r.role !== 'third_party').flatMap((r) => r.categories),
    ),
  };
}

/**
 * Cal. Civ. Code §1798.83(a): the third parties given personal information for their own direct marketing "during the
 * immediately preceding calendar year" — the year before the request was received — with names and addresses.
 */
export function disclosuresStatement(header: Header, receivedAt: string, systems: SystemsConfig): DisclosuresStatement {
  const year = new Date(receivedAt).getUTCFullYear() - 1;
  const first = `${year}-01-01`;
  const last = `${year}-12-31`;
  const recipients = (systems.recipients ?? [])
    .filter((r) => r.directMarketing !== undefined)
    .filter((r) => {
      const { from, until } = r.directMarketing as NonNullable<Recipient['directMarketing']>;
      return from <= last && (until === undefined || until >= first);
    })
    .map((r) => ({
      name: r.name,
      address: r.address,
      categories: sorted(r.directMarketing?.categories ?? []),
    }));
  return { format: 'dsar-disclosures', version: 1, ...header, year, recipients };
}

function requestFacts(statement: Header): string {
  return facts([
    ['Request', statement.request.id],
    ['Received', statement.request.receivedAt],
    ['Regulation', statement.request.regulation.toUpperCase()],
    ['For', statement.subject.email],
    ['Generated', statement.request.generatedAt],
  ]);
}

export function categoriesHtml(statement: CategoriesStatement): string {
  return [
    openPage('The personal information we collect and share'),
    requestFacts(statement),
    '<h2>Categories of personal information we collect</h2>',
    `<p>${escapeHtml(list(statement.collected))}</p>`,
    '<h2>Where it comes from</h2>',
    `<p>${escapeHtml(list(statement.sources))}</p>`,
    '<h2>Why we collect it</h2>',
    table(
      ['Purpose', 'Categories'],
      statement.purposes.map((p) => [p.purpose, list(p.categories)]),
    ),
    '<h2>Who we disclose it to</h2>',
    table(
      ['Category of recipient', 'Role', 'Categories disclosed', 'Purpose', 'Sold', 'Shared'],
      statement.recipients.map((r) => [
        r.category,
        r.role?.replace(/_/g, ' ') ?? 'not stated',
        list(r.categories),
        r.purpose ?? '',
        r.sold ? 'yes' : 'no',
        r.shared ? 'yes' : 'no',
      ]),
    ),
    facts([
      ['Categories sold', list(statement.sold)],
      ['Categories shared for cross-context behavioural advertising', list(statement.shared)],
      ['Categories disclosed for a business purpose', list(statement.disclosedForBusinessPurpose)],
    ]),
    closePage,
  ].join('');
}

export function disclosuresHtml(statement: DisclosuresStatement): string {
  return [
    openPage(`Disclosures for direct marketing in ${statement.year}`),
    requestFacts(statement),
    statement.recipients.length
      ? table(
          ['Third party', 'Address', 'Categories of personal information'],
          statement.recipients.map((r) => [r.name, r.address ?? '', list(r.categories)]),
        )
      : `<p>We did not disclose personal information to third parties for their own direct marketing in ${statement.year}.</p>`,
    closePage,
  ].join('');
}

/** The request part of every document's header. */
export function documentHeader(record: RequestRecord, email: string, generatedAt: string): Header {
  return {
    request: {
      id: record.requestId,
      type: record.type,
      regulation: record.regulation,
      receivedAt: record.receivedAt,
      verifiedAt: record.verifiedAt,
      dueDate: record.dueDate,
      generatedAt,
    },
    subject: { email },
  };
}
