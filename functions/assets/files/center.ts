/**
 * /assets/center.js — the privacy center's one script, a progressive enhancement: the server already shows the Global
 * Privacy Control notice when the browser sends `Sec-GPC: 1`; a browser that exposes the signal to scripts only
 * (`navigator.globalPrivacyControl`, the GPC specification's DOM property) gets the same notice here. The page works
 * the same without it. Same-origin and no inline code, so the strict CSP (`script-src 'self'`) admits it.
 */
export const centerJs = `(function () {
  'use strict';
  var notice = document.getElementById('gpc-notice');
  if (notice && navigator.globalPrivacyControl === true) notice.hidden = false;
})();
`;
