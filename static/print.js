// propwatch's own script (not vendored): any element marked `data-print` opens the browser's print
// dialog. One delegated listener in a first-party file, because the Content-Security-Policy
// (script-src 'self') refuses inline scripts and onclick attributes.
document.addEventListener('click', (event) => {
  const trigger = event.target instanceof Element ? event.target.closest('[data-print]') : null;
  if (!trigger) return;
  event.preventDefault();
  window.print();
});
