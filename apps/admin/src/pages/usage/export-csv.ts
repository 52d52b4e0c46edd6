// CSV downloads of the Usage page's current filter from the control plane's /api/export routes.
// fetch (not a plain link) because the session token travels in the Authorization header, never in a URL.
import { readToken } from '../../app/AuthProvider.tsx';
import { nextDay, startOfLocalDay } from '../../ui/format.ts';

/** The export URL for the page's day range: records by local-day instants (as the Requests tab), rollups by day. */
export function usageCsvUrl(kind: 'records' | 'daily', from: string, to: string): string {
  const url = new URL(kind === 'records' ? '/api/export/usage-records.csv' : '/api/export/usage-daily.csv', window.location.href);
  if (kind === 'records') {
    url.searchParams.set('since', startOfLocalDay(from));
    url.searchParams.set('until', startOfLocalDay(nextDay(to)));
  } else {
    url.searchParams.set('from', from);
    url.searchParams.set('to', to);
  }
  return url.toString();
}

/** Fetches the CSV with the session token and hands it to the browser as a file download. */
export async function downloadUsageCsv(url: string): Promise<void> {
  const token = readToken();
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'usage.csv';
  const href = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.click();
  URL.revokeObjectURL(href);
}
