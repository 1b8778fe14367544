// Page behaviours declared with data- attributes. The Content-Security-Policy refuses inline event handlers
// (onclick=…, hx-on:…) and style="" attributes, so the templates say what they want and this file does it.
(function () {
  "use strict";

  // <select data-autosubmit>: choosing an option submits its form.
  document.addEventListener("change", (event) => {
    const select = event.target;
    if (select instanceof HTMLSelectElement && select.hasAttribute("data-autosubmit") && select.form) {
      select.form.submit();
    }
  });

  // <button data-print>: print the page.
  document.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
    }
  });

  // <form data-reset-on-success hx-post=…>: empty the form once the server took it; a validation error
  // comes back retargeted (HX-Retarget) and keeps what was typed.
  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    if (
      form instanceof HTMLFormElement &&
      form.hasAttribute("data-reset-on-success") &&
      event.detail.successful &&
      !event.detail.xhr.getResponseHeader("HX-Retarget")
    ) {
      form.reset();
    }
  });

  // Styles that depend on data, set through the DOM (allowed) rather than style="" (refused):
  // data-width="37" → width 37%; data-heat="11,110,79" data-shade="0.42" → that colour at that opacity.
  const within = (root, selector) => [...(root.matches(selector) ? [root] : []), ...root.querySelectorAll(selector)];

  function applyDataStyles(root) {
    within(root, "[data-width]").forEach((el) => {
      el.style.width = `${Number(el.dataset.width)}%`;
    });
    within(root, "[data-heat]").forEach((el) => {
      el.style.backgroundColor = `rgba(${el.dataset.heat}, ${Number(el.dataset.shade)})`;
    });
  }

  if (window.htmx) {
    window.htmx.onLoad(applyDataStyles); // the first page and every piece htmx swaps in
  } else {
    document.addEventListener("DOMContentLoaded", () => applyDataStyles(document.documentElement));
  }
})();
