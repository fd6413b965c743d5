// webhooks: suppression.changelog.v1 -> signed webhooks (and the provider sync when configured).
import { loadConfig } from './config';
import { runWebhooks } from './run';

await runWebhooks(loadConfig());
