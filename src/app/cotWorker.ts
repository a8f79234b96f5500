/**
 * The co-tuning lab's simulation worker (a module worker started by cotClient.ts on the page):
 * the spiking run happens here, so the page only draws.
 */
import { CotSession, type CotCommand } from './cotSession';
import type { CotEvent } from '../state/cotStore';
import { serveSession } from './sessionWorker';

serveSession<CotCommand, CotEvent>('co-tuning', (post, gpu) => new CotSession(post, gpu));
