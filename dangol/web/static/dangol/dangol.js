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

  // An error the server sends to the page's error box (HX-Retarget: #case-errors) is shown beside the button of
  // the form that caused it instead: on a phone the top of the page is off screen. The slot sits right after
  // the form's submit button and is emptied when another form reports an error.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const detail = event.detail;
    if (!(detail.target instanceof Element) || detail.target.id !== "case-errors") return;
    const source = (detail.requestConfig && detail.requestConfig.elt) || detail.elt;
    const form = source instanceof Element ? source.closest("form") : null;
    if (!form) return;
    let slot = form.querySelector(".form-errors");
    if (!slot) {
      slot = document.createElement("div");
      slot.className = "form-errors";
      slot.setAttribute("aria-live", "assertive");
      const submit = form.querySelector('button[type="submit"], button:not([type]), input[type="submit"]');
      if (submit) {
        submit.insertAdjacentElement("afterend", slot);
      } else {
        form.appendChild(slot);
      }
    }
    document.querySelectorAll(".form-errors").forEach((other) => {
      if (other !== slot) other.replaceChildren();
    });
    detail.target = slot;
  });

  // After the errors are in, make sure they are on screen (a long form may have pushed them below it).
  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    if (target instanceof Element && target.classList.contains("form-errors") && target.firstElementChild) {
      target.scrollIntoView({ block: "nearest" });
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
