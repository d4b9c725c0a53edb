/** Events no figure reads yet: logged only, kept for later replays. */
import { eventScript } from '../event-plan.js';

export const logOnlyScript = eventScript('pulseLogOnly', new URL('./log-only.lua', import.meta.url), '--');
