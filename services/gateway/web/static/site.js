// The only script of the pages (the CSP forbids inline ones); every page works without it.
// 1. After a failed save the error summary takes the focus, so a screen reader and the keyboard start there.
// 2. The menu is open in the markup (usable without script); on a phone it starts folded under «Меню».
(function () {
  var summary = document.querySelector(".error-text[role=alert]");
  if (summary) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
  var menu = document.querySelector("details.menu");
  if (menu && window.matchMedia("(max-width: 40rem)").matches) {
    menu.open = false;
  }
})();
