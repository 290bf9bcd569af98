// The page's one script. It holds no trace text (the Content-Security-Policy allows it by the
// hash of this exact text) and reads the page only through ids and classes the renderer made.
// Without it the page still reads in full: it only adds the highlight of the turn a link went
// to, the severity filter, expand/collapse all, and opens every <details> for printing.

/** The inline `<script>` block of the HTML report. */
export const REPORT_SCRIPT = `
(function () {
  'use strict';
  var doc = document;
  var current = null;
  // Ids are the renderer's own (s1, s1-t3, f12 …): anything else in the fragment is ignored.
  function target(hash) {
    var id = hash.charAt(0) === '#' ? hash.slice(1) : '';
    return /^[a-z][a-z0-9-]*$/.test(id) ? doc.getElementById(id) : null;
  }
  function highlight(hash, scroll) {
    var el = target(hash);
    if (current) current.classList.remove('is-current');
    current = el;
    if (!el) return;
    el.classList.add('is-current');
    for (var d = el.parentElement; d; d = d.parentElement) if (d.tagName === 'DETAILS') d.open = true;
    if (scroll) el.scrollIntoView({ block: 'start' });
    el.focus({ preventScroll: true });
  }
  window.addEventListener('hashchange', function () { highlight(location.hash, false); });
  doc.addEventListener('click', function (event) {
    var link = event.target instanceof Element ? event.target.closest('a[href^="#"]') : null;
    // A link to the fragment already shown changes no hash: highlight and scroll by hand.
    if (link && link.getAttribute('href') === location.hash) highlight(location.hash, true);
  });
  if (location.hash) highlight(location.hash, false);

  var boxes = doc.querySelectorAll('input[data-filter-severity]');
  function filter() {
    var shown = {};
    boxes.forEach(function (box) { shown[box.value] = box.checked; });
    var hidden = 0;
    doc.querySelectorAll('[data-severity]').forEach(function (item) {
      item.hidden = !shown[item.getAttribute('data-severity')];
      if (item.hidden) hidden++;
    });
    var note = doc.getElementById('filter-note');
    if (note) note.textContent = hidden === 0 ? '' : hidden + (hidden === 1 ? ' finding' : ' findings') + ' hidden by the filter';
  }
  boxes.forEach(function (box) { box.addEventListener('change', filter); });

  function setAll(open) { doc.querySelectorAll('details').forEach(function (d) { d.open = open; }); }
  doc.querySelectorAll('button[data-details]').forEach(function (button) {
    button.addEventListener('click', function () { setAll(button.getAttribute('data-details') === 'open'); });
  });

  // Print everything; give the reader back the page as it was.
  var closed = [];
  window.addEventListener('beforeprint', function () {
    closed = Array.prototype.filter.call(doc.querySelectorAll('details'), function (d) { return !d.open; });
    setAll(true);
  });
  window.addEventListener('afterprint', function () {
    closed.forEach(function (d) { d.open = false; });
    closed = [];
  });

  var controls = doc.getElementById('controls');
  if (controls) controls.hidden = false;
})();
`;
