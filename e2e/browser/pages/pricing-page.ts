// Model prices (admin): an editable table of USD per million tokens.
import { BasePage } from './base-page.ts';

export class PricingPage extends BasePage {
  readonly path = '/pricing';
  readonly id = 'pricing';
}
