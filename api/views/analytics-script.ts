/**
 * The first-party page script (served at /_wm/a.js): batches page views and clicks into beacons, applies A/B
 * variants to `[data-wm-slot]` elements and submits the contact form. No cookies, no storage, no third party.
 */
export const ANALYTICS_SCRIPT = `(function () {
  'use strict';
  var me = document.currentScript;
  if (!me || !me.dataset.site) return;
  var site = me.dataset.site;
  var api = me.dataset.api || '/api/v1';
  var optedOut = navigator.doNotTrack === '1' || navigator.globalPrivacyControl === true;
  var queue = [];
  var timer = null;

  function flush() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (optedOut || queue.length === 0) { queue = []; return; }
    var now = Date.now();
    var events = queue.splice(0, 50).map(function (e) { e.age = now - e.t; delete e.t; return e; });
    var body = JSON.stringify({ site: site, events: events });
    var sent = navigator.sendBeacon && navigator.sendBeacon(api + '/collect', new Blob([body], { type: 'text/plain' }));
    if (!sent) fetch(api + '/collect', { method: 'POST', body: body, keepalive: true, headers: { 'content-type': 'text/plain' } }).catch(function () {});
    if (queue.length) flush();
  }
  function track(event) {
    event.t = Date.now();
    queue.push(event);
    if (queue.length >= 10) flush(); else if (!timer) timer = setTimeout(flush, 5000);
  }
  document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'hidden') flush(); });
  window.addEventListener('pagehide', flush);

  track({ type: 'page_view', path: location.pathname, search: location.search, referrer: document.referrer });

  document.addEventListener('click', function (ev) {
    var el = ev.target && ev.target.closest ? ev.target.closest('a[href^="tel:"], a[href^="mailto:"], [data-wm-cta]') : null;
    if (!el) return;
    var href = el.getAttribute('href') || '';
    var target = el.dataset.wmCta || (href.indexOf('tel:') === 0 ? 'call' : 'email');
    track({ type: 'cta_click', path: location.pathname, target: target });
    flush();
  }, true);
  document.addEventListener('submit', function (ev) {
    if (ev.target && ev.target.id === 'claim-form') { track({ type: 'cta_click', path: location.pathname, target: 'claim' }); flush(); }
  }, true);

  fetch(api + '/collect/variants?site=' + encodeURIComponent(site), { credentials: 'omit' })
    .then(function (r) { return r.ok ? r.json() : { variants: [] }; })
    .then(function (data) {
      data.variants.forEach(function (v) {
        document.querySelectorAll('[data-wm-slot="' + v.slot + '"]').forEach(function (el) { el.textContent = v.content; });
      });
    })
    .catch(function () {});

  var form = document.querySelector('form[data-wm-booking]');
  if (form) {
    var token = null;
    fetch(api + '/sites/' + encodeURIComponent(site) + '/bookings/form-token').then(function (r) { return r.json(); }).then(function (d) { token = d.token; }).catch(function () {});
    var out = form.querySelector('output');
    var clearErrors = function () {
      Array.prototype.forEach.call(form.querySelectorAll('.field-error'), function (e) { e.remove(); });
      Array.prototype.forEach.call(form.querySelectorAll('[aria-invalid]'), function (e) { e.removeAttribute('aria-invalid'); e.removeAttribute('aria-describedby'); });
    };
    var showError = function (message, field) {
      var input = field ? form.elements.namedItem(field) : null;
      var label = input && input.closest ? input.closest('label') : null;
      if (!label) { if (out) out.textContent = message; return; }
      var p = document.createElement('p');
      p.className = 'field-error';
      p.id = 'booking-' + field + '-error';
      p.textContent = message;
      label.insertAdjacentElement('afterend', p);
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', p.id);
      input.focus();
    };
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      clearErrors();
      if (out) out.textContent = '';
      var value = function (name) { var f = form.elements.namedItem(name); return f && f.value ? f.value : undefined; };
      var body = { name: value('name'), email: value('email'), phone: value('phone'), preferred_time: value('preferred_time'), message: value('message'), website: value('website') || '', form_token: token || '' };
      fetch(api + '/sites/' + encodeURIComponent(site) + '/bookings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
        .then(function (r) { return r.json().catch(function () { return {}; }).then(function (d) { return { ok: r.ok, d: d }; }); })
        .then(function (res) {
          if (res.ok) { if (out) out.textContent = 'Thank you! Your message was sent.'; form.reset(); return; }
          showError(res.d.message || 'Your message could not be sent; please try again.', res.d.field);
        })
        .catch(function () { if (out) out.textContent = 'Could not send your message; please call instead.'; });
    });
  }
})();
`;
