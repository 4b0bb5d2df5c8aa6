// The end-to-end core in WebKitGTK (MiniBrowser under Xvfb, through WebKitWebDriver). Run: npm run test:webkit
import { coreTests } from './core.mjs';

coreTests('webkit');
