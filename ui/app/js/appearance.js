// @ts-check
/**
 * When the desktop switches light and dark, or high contrast, the page restyles through
 * its media queries; WebKitGTK was once seen repainting only part of an open window after
 * such a switch (the rest stayed in the old colours until something else changed). So
 * after each switch the whole page is repainted once: the root's opacity is nudged for
 * one frame, which makes WebKit redraw every part of it. Nothing moves and the focus
 * stays where it is.
 */

const QUERIES = ['(prefers-color-scheme: dark)', '(prefers-contrast: more)', '(forced-colors: active)'];

function repaint() {
  const root = document.documentElement;
  requestAnimationFrame(() => {
    root.style.opacity = '0.999';
    requestAnimationFrame(() => {
      root.style.opacity = '';
    });
  });
}

for (const query of QUERIES) {
  matchMedia(query).addEventListener('change', repaint);
}
