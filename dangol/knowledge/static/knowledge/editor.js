// A small rich-text editor for FAQ bodies, no build step: the textarea (data-editor) becomes a contenteditable
// area with a toolbar, and its HTML goes back into the textarea on submit. The server sanitises whatever
// arrives with an allow-list, so this script is a convenience, not a safety measure. Without JS the textarea
// (HTML) still works.
(function () {
  "use strict";
  var textarea = document.querySelector("textarea[data-editor]");
  if (!textarea || !document.execCommand) return;
  var area = document.createElement("div");
  area.className = "kb-editor";
  area.contentEditable = "true";
  area.setAttribute("role", "textbox");
  area.setAttribute("aria-multiline", "true");
  area.id = "body-editor";
  area.innerHTML = textarea.value;
  var bar = document.createElement("div");
  bar.className = "kb-toolbar";
  bar.setAttribute("role", "toolbar");
  var ko = document.documentElement.lang.indexOf("ko") === 0;
  var tools = [
    ["bold", null, ko ? "굵게" : "Bold"],
    ["italic", null, ko ? "기울임" : "Italic"],
    ["formatBlock", "h2", ko ? "제목" : "Heading"],
    ["formatBlock", "p", ko ? "문단" : "Paragraph"],
    ["insertUnorderedList", null, ko ? "목록" : "List"],
    ["insertOrderedList", null, ko ? "번호 목록" : "Numbered"],
    ["createLink", "link", ko ? "링크" : "Link"],
    ["removeFormat", null, ko ? "서식 지우기" : "Clear"]
  ];
  tools.forEach(function (tool) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "outline secondary";
    button.textContent = tool[2];
    button.addEventListener("click", function () {
      area.focus();
      if (tool[0] === "createLink") {
        var url = window.prompt(ko ? "링크 주소 (https://…)" : "Link address (https://…)");
        if (url && /^(https?:|mailto:|tel:|\/)/i.test(url)) document.execCommand("createLink", false, url);
      } else {
        document.execCommand(tool[0], false, tool[1] ? "<" + tool[1] + ">" : null);
      }
    });
    bar.appendChild(button);
  });
  textarea.hidden = true;
  textarea.parentNode.insertBefore(bar, textarea);
  textarea.parentNode.insertBefore(area, textarea);
  textarea.form.addEventListener("submit", function () {
    textarea.value = area.innerHTML;
  });
})();
