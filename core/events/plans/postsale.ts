/** One-stop service tasks (一条龙服务): one state per taskId, open ones by kind and due time. */
import { EVENT_SCHEMAS, POSTSALE_KINDS } from '../../../domain/events.js';
import { eventScript, type EventPlans } from '../event-plan.js';

const script = eventScript('pulsePostsale', new URL('./postsale.lua', import.meta.url), '---zzzzzz');
export const postsaleScripts = [script];

export const postsalePlans: EventPlans<'postsale.task'> = {
  'postsale.task': {
    schema: EVENT_SCHEMAS['postsale.task'],
    script,
    keys: (_, k) => {
      const p = k.postsale;
      return [p.state, p.done, ...POSTSALE_KINDS.map((kind) => p.openByKind(kind))];
    },
    args: (e, c) => [
      e.taskId,
      c.at,
      e.id,
      String(POSTSALE_KINDS.indexOf(e.kind)),
      e.status,
      e.dueAt ? String(Date.parse(e.dueAt)) : '',
    ],
  },
};
