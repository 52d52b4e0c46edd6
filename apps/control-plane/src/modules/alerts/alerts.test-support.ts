import type { TestControlPlane } from '@relay/testkit';
import { AlertChannel, AlertDelivery } from '@relay/db';
import { expect, vi } from 'vitest';

export const CHANNEL_FIELDS = 'id name kind urlHint signed enabled events';
export const CREATE_CHANNEL = `mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { ${CHANNEL_FIELDS} } }`;
export const UPDATE_CHANNEL = `mutation($id: ID!, $i: UpdateAlertChannelInput!) { updateAlertChannel(id: $id, input: $i) { ${CHANNEL_FIELDS} } }`;
export const SEND_TEST = 'mutation($id: ID!) { sendTestAlert(id: $id) { id eventId status } }';
export const DELIVERIES = 'query($f: AlertDeliveryFilter) { alertDeliveries(filter: $f) { total items { id channelId channelName eventId eventType title status attempts lastError lastAttemptAt deliveredAt } } }';

export interface DeliveryView {
  id: string;
  channelId: string;
  channelName: string | null;
  eventId: string;
  eventType: string;
  title: string;
  status: 'PENDING' | 'SENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  lastError: string | null;
}

/** Creates a channel through the admin API; fails the test on errors. */
export async function createChannel(cp: TestControlPlane, input: Record<string, unknown>): Promise<{ id: string; signed: boolean; urlHint: string }> {
  const r = await cp.gql<{ createAlertChannel: { id: string; signed: boolean; urlHint: string } }>(CREATE_CHANNEL, { i: input }, cp.adminToken);
  expect(r.errors).toBeUndefined();
  return r.data!.createAlertChannel;
}

/** The deliveries the admin API lists (optionally of one channel). */
export async function deliveries(cp: TestControlPlane, channelId?: string): Promise<DeliveryView[]> {
  const r = await cp.gql<{ alertDeliveries: { items: DeliveryView[] } }>(DELIVERIES, { f: channelId ? { channelId } : null }, cp.adminToken);
  expect(r.errors).toBeUndefined();
  return r.data!.alertDeliveries.items;
}

/** Waits until every listed delivery of the channel has a final status (the worker writes it right after the answer). */
export async function settledDeliveries(cp: TestControlPlane, channelId: string, count: number, timeoutMs = 15_000): Promise<DeliveryView[]> {
  return vi.waitFor(async () => {
    const list = await deliveries(cp, channelId);
    const done = list.filter((d) => d.status === 'DELIVERED' || d.status === 'FAILED');
    if (done.length < count) throw new Error(`${done.length}/${count} settled`);
    return list;
  }, { timeout: timeoutMs, interval: 50 });
}

/** Removes every channel and delivery, so one test's channels never receive another's events. */
export async function clearAlerts(cp: TestControlPlane): Promise<void> {
  const em = cp.orm.em.fork();
  await em.nativeDelete(AlertDelivery, {});
  await em.nativeDelete(AlertChannel, {});
}
