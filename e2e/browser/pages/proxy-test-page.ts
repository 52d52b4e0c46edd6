// Proxy test (admin): send one prompt through a chosen account.
import { BasePage } from './base-page.ts';

export class ProxyTestPage extends BasePage {
  readonly path = '/proxy-test';
  readonly id = 'proxy-test';
}
