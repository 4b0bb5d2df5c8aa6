// The phone layout in WebKitGTK (MiniBrowser under Xvfb, through WebKitWebDriver). Run: npm run test:webkit
import { phoneTests } from './phone.mjs';

phoneTests('webkit');
