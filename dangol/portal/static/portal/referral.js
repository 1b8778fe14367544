// "링크 복사" on my benefits: the clipboard API where the page is a secure context, else select and execCommand.
(function () {
  "use strict";
  function copied(button, ok) {
    var status = document.getElementById("referral-copy-status");
    if (status) status.textContent = ok ? button.dataset.done : button.dataset.failed;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var field = document.getElementById(button.dataset.copyTarget);
    if (!field) return;
    var text = field.value;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { copied(button, true); }, function () {
        field.select();
        copied(button, document.execCommand("copy"));
      });
    } else {
      field.select();
      copied(button, document.execCommand("copy"));
    }
  });
})();
