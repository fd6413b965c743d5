// A process that builds an SES client the way the sender does (`transport`) or bare (`bare`),
// then exits: what it prints on stderr is what an operator would see at start.
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createSesTransport } from '../src/transport';

if (process.argv[2] === 'bare') new SESv2Client({ region: 'us-east-1' });
else createSesTransport({ region: 'us-east-1' }).close();
// process.emitWarning prints on the next tick: stay long enough for it to be printed.
setImmediate(() => undefined);
