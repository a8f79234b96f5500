/**
 * The COBA lab's simulation worker (a module worker started by cobaClient.ts on the page): the
 * network runs here, so the page only draws.
 */
import { CobaSession, type CobaCommand } from './cobaSession';
import type { CobaEvent } from '../state/cobaStore';
import { serveSession } from './sessionWorker';

serveSession<CobaCommand, CobaEvent>('COBA', (post, gpu) => new CobaSession(post, gpu));
