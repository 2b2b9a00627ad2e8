/**
 * The embeddable module: importing it defines `<lbsim-view>` (once; a second copy on the page
 * leaves the first in place). It has no other effect on the page.
 */
import { LbsimViewElement } from './lbsim-view-element.js';

if (!customElements.get('lbsim-view')) customElements.define('lbsim-view', LbsimViewElement);

export { LbsimViewElement };
